// The reconciler service's configuration contract: every environment variable it reads, with its
// zod shape and default, in one place. The service parses its environment here (server.ts), the
// runtime stack writes its Deployment with these names (stacks/runtime), and a test parses what
// the stack writes with `readReconcilerSettings`, so the two cannot drift apart.
import { z } from 'zod';
import { tokenConfig } from './service/auth';

/** Variable names, by setting. */
export const RECONCILER_VARS = {
  environment: 'RECONCILER_ENV',
  mode: 'RECONCILER_MODE',
  host: 'RECONCILER_HOST',
  port: 'RECONCILER_PORT',
  intervalSeconds: 'RECONCILER_INTERVAL_SECONDS',
  tokens: 'RECONCILER_TOKENS',
  root: 'RECONCILER_ROOT',
  /** Base of the links from the status page to catalog lines (…/topics/orders.yaml#L14). */
  catalogUrl: 'RECONCILER_CATALOG_URL',
  /** A connection file (see cluster/connection.ts) instead of the STREAMPLANE_* variables. */
  connectionFile: 'STREAMPLANE_CONNECTION',
  bootstrap: 'STREAMPLANE_BOOTSTRAP',
  ssl: 'STREAMPLANE_SSL',
  saslMechanism: 'STREAMPLANE_SASL_MECHANISM',
  saslUsername: 'STREAMPLANE_SASL_USERNAME',
  saslPassword: 'STREAMPLANE_SASL_PASSWORD',
  registryUrl: 'STREAMPLANE_REGISTRY_URL',
  registryUsername: 'STREAMPLANE_REGISTRY_USERNAME',
  registryPassword: 'STREAMPLANE_REGISTRY_PASSWORD',
  /** The API's per-client budgets (service/app.ts ApiLimits); unset keeps the defaults. */
  readBurst: 'RECONCILER_READ_BURST',
  readsPerSecond: 'RECONCILER_READS_PER_SECOND',
  passBurst: 'RECONCILER_PASS_BURST',
  passesPerMinute: 'RECONCILER_PASSES_PER_MINUTE',
  freshEverySeconds: 'RECONCILER_FRESH_EVERY_SECONDS',
  readyCacheMs: 'RECONCILER_READY_CACHE_MS',
  /** Reads of the plan refresh the cluster snapshot at most this often. */
  planRefreshMinSeconds: 'RECONCILER_PLAN_REFRESH_MIN_SECONDS',
  /** App id → principal, as JSON or a path to a JSON file. */
  principals: 'STREAMPLANE_PRINCIPALS',
} as const;

export type ReconcilerVar = (typeof RECONCILER_VARS)[keyof typeof RECONCILER_VARS];

const port = z.coerce.number().int().min(1).max(65535);

/**
 * A base the status page may put in an href: an http(s) URL (the repository's web view, e.g.
 * https://github.com/acme/streamplane/blob/main) or a path ("/catalog", "../streamplane"). No
 * other scheme, so no javascript: or data: link can be configured.
 */
export function isCatalogBase(value: string): boolean {
  if (/[\s"'<>\\]/.test(value) || value === '') return false;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }
  return !value.startsWith('//') && !/[?#]/.test(value);
}

/** The settings of the service itself (the cluster connection is cluster/connection.ts's). */
const settingsShape = z.strictObject({
  environment: z.string().min(1).default('local'),
  /** Unset: enforce locally, the environment's `runtime.reconcilerMode` elsewhere. */
  mode: z.enum(['enforce', 'observe']).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8088),
  intervalSeconds: z.coerce.number().positive().default(60),
  tokens: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return [];
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {name, role, sha256}' });
        return z.NEVER;
      }
      const parsed = z.array(tokenConfig).safeParse(json);
      if (!parsed.success) {
        for (const i of parsed.error.issues) {
          ctx.addIssue({ code: 'custom', message: `${i.path.join('.')}: ${i.message}` });
        }
        return z.NEVER;
      }
      return parsed.data;
    }),
  root: z.string().min(1).optional(),
  catalogUrl: z
    .string()
    .trim()
    .refine(isCatalogBase, 'an http(s) URL or a path starting with / (the catalog repository)')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  connectionFile: z.string().min(1).optional(),
  readBurst: z.coerce.number().int().min(1).optional(),
  readsPerSecond: z.coerce.number().positive().optional(),
  passBurst: z.coerce.number().int().min(1).optional(),
  passesPerMinute: z.coerce.number().positive().optional(),
  freshEverySeconds: z.coerce.number().positive().optional(),
  readyCacheMs: z.coerce.number().int().min(0).optional(),
  planRefreshMinSeconds: z.coerce.number().min(0).optional(),
});

const LIMIT_KEYS = [
  'readBurst',
  'readsPerSecond',
  'passBurst',
  'passesPerMinute',
  'freshEverySeconds',
  'readyCacheMs',
] as const;

/** The API budgets the environment sets (the service keeps its defaults for the rest). */
export function apiLimitsOf(
  settings: ReconcilerSettings,
): Partial<Record<(typeof LIMIT_KEYS)[number], number>> {
  const limits: Partial<Record<(typeof LIMIT_KEYS)[number], number>> = {};
  for (const key of LIMIT_KEYS) {
    const value = settings[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

export type ReconcilerSettings = z.infer<typeof settingsShape>;

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** The service's settings from its environment; a wrong value names its variable. */
export function readReconcilerSettings(env: NodeJS.ProcessEnv): ReconcilerSettings {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(settingsShape.shape) as (keyof typeof settingsShape.shape)[]) {
    const value = env[RECONCILER_VARS[key]];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = settingsShape.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const key = i.path[0] as keyof typeof RECONCILER_VARS | undefined;
    return `${key ? RECONCILER_VARS[key] : '(environment)'}: ${i.message}`;
  });
  throw new SettingsError(`invalid reconciler settings: ${issues.join('; ')}`);
}
