// What `npm start` calls once the local stack is up: apply the catalog, then serve the API.
import { openClients } from './cluster/clients';
import { localConnection } from './cluster/connection';
import { loadDesired } from './catalog-source';
import type { Logger } from './log';
import { createLogger } from './log';
import type { Mode, PassReport } from './reconcile';
import { reconcilePass } from './reconcile';
import { generateToken, hashToken } from './service/auth';
import { startService } from './service';
import { REPO_ROOT } from '../shared/repo-root';

export type Summary = Omit<PassReport, 'plan' | 'remaining'> & { inSync: boolean };

/** One enforce pass of the catalog at `root` against the local stack. */
export async function applyLocal(root: string = REPO_ROOT, stackRoot?: string): Promise<Summary> {
  const connection = localConnection(stackRoot ? { stackRoot } : {});
  const desired = loadDesired(root, 'local', connection.naming);
  const clients = await openClients(connection);
  try {
    const {
      plan: _plan,
      remaining,
      ...report
    } = await reconcilePass(desired, clients, {
      mode: 'enforce',
    });
    return { ...report, inSync: report.state === 'succeeded' && (remaining?.inSync ?? true) };
  } finally {
    await clients.close();
  }
}

export interface ServeLocalOptions {
  root?: string;
  stackRoot?: string;
  host?: string;
  /** 8088 by default; 0 picks a free port. */
  port?: number;
  intervalMs?: number;
  mode?: Mode;
  log?: Logger;
  /** Where the one-time token line goes (console by default). */
  print?: (line: string) => void;
}

/**
 * The service against the local stack, with a fresh operator token: printed once, returned to
 * the caller, and kept only as its SHA-256 hash.
 */
export async function serveLocal(
  opts: ServeLocalOptions = {},
): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const token = generateToken();
  const service = await startService({
    root: opts.root ?? REPO_ROOT,
    environment: 'local',
    mode: opts.mode ?? 'enforce',
    intervalMs: opts.intervalMs ?? 60_000,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 8088,
    tokens: [{ name: 'local-operator', role: 'operator', sha256: hashToken(token) }],
    connection: localConnection(opts.stackRoot ? { stackRoot: opts.stackRoot } : {}),
    log: opts.log ?? createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
  });
  (opts.print ?? console.log)(
    `Reconciler API ${service.url}/api/v1 (operator token, shown once: ${token})`,
  );
  return { url: service.url, token, close: () => service.close() };
}
