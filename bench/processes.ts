// Whole-process timings: what a user waits for when they type a command, start-up included.
// Each command runs as `node scripts/run.cjs <source> …` (what package.json's scripts run), once
// to warm the file cache and the launcher's staleness check, then `runs` times.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../shared/repo-root';

const LAUNCHER = join(REPO_ROOT, 'scripts', 'run.cjs');

/** The machine's load while measuring: figures on a shared, busy machine are read with it. */
export function loadLine(): string {
  const [one, five, fifteen] = loadavg().map((l) => l.toFixed(2));
  return `load average ${one} ${five} ${fifteen} (1, 5, 15 min) on ${cpus().length} cores`;
}

/**
 * node's arguments to evaluate `script` in a fresh process that requires this checkout's modules
 * from `__dirname/..`: compiled (dist/) as they are, from the sources through tsx.
 */
export function evalArgs(script: string): string[] {
  return [...(__filename.endsWith('.ts') ? ['-r', 'tsx/cjs'] : []), '-e', script];
}

export interface ProcessFigures {
  /** Wall-clock seconds, best and median. */
  readonly min: number;
  readonly median: number;
  /** CPU seconds (user + system) of the median run's process, where the OS tells (Linux). */
  readonly cpu?: number;
  readonly exitCodes: readonly number[];
  /** The median run's output. */
  readonly stdout: string;
  readonly stderr: string;
  /** The 1-minute load average when the runs ended. */
  readonly load: number;
}

/** CPU seconds used so far by this process's reaped children (Linux: /proc/self/stat). */
function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime: fields 16 and 17 of stat(5), 14 and 15 after the name; clock ticks.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

export function timeCommand(
  args: readonly string[],
  options: {
    runs?: number;
    warmup?: boolean;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Run the compiled entry (dist/<source>.js) with node itself, without the launcher. */
    direct?: boolean;
  } = {},
): ProcessFigures {
  const runs = options.runs ?? 5;
  const [entry = '', ...rest] = args;
  const argv = options.direct
    ? [join(REPO_ROOT, 'dist', entry.replace(/\.ts$/, '.js')), ...rest]
    : [LAUNCHER, ...args];
  const once = (): { wall: number; cpu?: number; code: number; stdout: string; stderr: string } => {
    const cpu0 = childrenCpu();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, argv, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = childrenCpu();
    return {
      wall,
      ...(cpu0 !== undefined && cpu1 !== undefined ? { cpu: cpu1 - cpu0 } : {}),
      code: r.status ?? 1,
      stdout: r.stdout,
      stderr: r.stderr,
    };
  };
  if (options.warmup !== false) once();
  const all = Array.from({ length: runs }, once);
  const byWall = [...all].sort((a, b) => a.wall - b.wall);
  const median = byWall[Math.floor(byWall.length / 2)] as (typeof all)[number];
  return {
    min: (byWall[0] as (typeof all)[number]).wall,
    median: median.wall,
    ...(median.cpu !== undefined ? { cpu: median.cpu } : {}),
    exitCodes: all.map((r) => r.code),
    stdout: median.stdout,
    stderr: median.stderr,
    load: loadavg()[0] ?? 0,
  };
}

/** One line: label, min and median wall time, the median run's CPU (user + system), the target. */
export function processLine(label: string, f: ProcessFigures, target: string): string {
  const codes = [...new Set(f.exitCodes)].join('/');
  return (
    `  ${label.padEnd(44)} min ${f.min.toFixed(3)} s  median ${f.median.toFixed(3)} s` +
    `${f.cpu !== undefined ? `  (cpu ${f.cpu.toFixed(2)} s)` : ''}   target ${target}   exit ${codes}` +
    `   load ${f.load.toFixed(1)}`
  );
}
