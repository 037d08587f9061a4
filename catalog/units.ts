// Human units for the fields domain teams edit: "7d", "12h", "infinite", "512MiB".
// Kafka wants milliseconds and bytes; the catalog converts once, here.

export const INFINITE = -1;

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

const DURATION = /^(\d+)\s*(ms|s|m|h|d|w)$/;
const SIZE = /^(\d+)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;

/** Milliseconds for "7d"-style durations, INFINITE for "infinite", undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (text === 'infinite') return INFINITE;
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
}

/** Bytes for "512MiB"-style sizes, INFINITE for "infinite", undefined when malformed. */
export function parseSize(text: string): number | undefined {
  if (text === 'infinite') return INFINITE;
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (SIZE_UNITS[m[2] as string] as number);
}

/** The shortest exact human form of a duration, for messages ("604800000" → "7d"). */
export function formatDuration(ms: number): string {
  if (ms === INFINITE) return 'infinite';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** The shortest exact human form of a size ("536870912" → "512MiB"), for the importer. */
export function formatSize(bytes: number): string {
  if (bytes === INFINITE) return 'infinite';
  let best = `${bytes}B`;
  for (const [unit, size] of Object.entries(SIZE_UNITS)) {
    if (bytes >= size && bytes % size === 0 && `${bytes / size}${unit}`.length < best.length)
      best = `${bytes / size}${unit}`;
  }
  return best;
}

export const DURATION_HINT =
  'write a number and a unit: ms, s, m, h, d or w (e.g. 7d), or "infinite"';
export const SIZE_HINT =
  'write a number and a unit: B, KB, MB, GB, TB, KiB, MiB, GiB or TiB (e.g. 512MiB), or "infinite"';
