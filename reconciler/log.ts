// Structured logs that never carry a credential, at any level. Every line goes through one
// scrubber: values under credential-shaped keys are replaced, and strings lose query-string
// values, URL user-info, Authorization schemes' tokens, `password=…`-shaped pairs and any value
// registered as a secret (the connection's passwords). Pino's path redaction stays as a backstop.
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

export const CENSOR = '[redacted]';

export const REDACT = [
  'password',
  '*.password',
  '*.*.password',
  'sasl',
  '*.sasl',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
];

/** Keys whose values are credentials whatever they hold. */
const SECRET_KEY =
  /passw(or)?d|passphrase|^pass$|secret|token|api[-_]?key|authori[sz]ation|^auth$|cookie|credential|sasl|jaas|private[-_]?key|sha256|csrf|session[-_]?id/i;

/** Query parameters whose values are safe to keep (everything else is redacted). */
const SAFE_PARAMS = new Set(['format', 'fresh', 'defaultToGlobal']);

const KNOWN = new Set<string>();

/** Values to remove wherever they appear in a log line (passwords read from a connection). */
export function registerSecrets(...values: readonly (string | undefined)[]): void {
  // Very short values would blank out ordinary words; credentials are never that short.
  for (const v of values) if (v !== undefined && v.length >= 6) KNOWN.add(v);
}

const PATTERNS: readonly [RegExp, string | ((...m: string[]) => string)][] = [
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, `$1${CENSOR}@`],
  // ?name=value&... (query strings, form bodies)
  [
    /([?&])([^=&#\s"']+)=([^&#\s"']*)/g,
    (_m, sep: string, name: string, value: string) =>
      `${sep}${name}=${SAFE_PARAMS.has(name) ? value : CENSOR}`,
  ],
  [/\b(Bearer|Basic|Digest)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${CENSOR}`],
  // password="x", "apiSecret": "x", sasl.jaas.config=..., token: x
  [
    /\b((?:[a-z0-9_.-]*)(?:pass(?:word|wd)?|secret|token|api[-_]?key|jaas\.config|credentials?))(["']?\s*[:=]\s*)(["']?)[^\s"',;&}]+/gi,
    `$1$2$3${CENSOR}`,
  ],
];

export function scrubString(s: string): string {
  let out = s;
  for (const secret of KNOWN) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  for (const [re, to] of PATTERNS) out = out.replace(re, to as string);
  return out;
}

/** A copy of `value` without credentials (depth-bounded, cycle-safe). */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubString(value.message),
      ...(value.stack ? { stack: scrubString(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = SECRET_KEY.test(k) && v !== undefined ? CENSOR : scrub(v, depth + 1, seen);
  return out;
}

export function createLogger(
  opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const options: pino.LoggerOptions = {
    name: opts.name ?? 'reconciler',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT, censor: CENSOR },
    formatters: {
      log: (obj) => scrub(obj) as Record<string, unknown>,
      bindings: (b) => scrub(b) as Record<string, unknown>,
    },
    hooks: {
      // The message string and its printf arguments.
      logMethod(args, method) {
        const clean = args.map((a) => (typeof a === 'string' ? scrubString(a) : a));
        method.apply(this, clean as Parameters<typeof method>);
      },
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
