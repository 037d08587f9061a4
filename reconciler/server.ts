// `npm run reconciler`: the service, configured from the environment (see README "The reconciler").
import path from 'node:path';
import { CatalogError, loadEnvironment } from './catalog-source';
import { ConnectionError, connectionFor } from './cluster/connection';
import { createLogger } from './log';
import type { Mode } from './reconcile';
import { generateToken, hashToken, tokensFromEnv } from './service/auth';
import { startService } from './service';

async function main(): Promise<void> {
  const log = createLogger();
  const e = process.env;
  const root = path.resolve(e.RECONCILER_ROOT ?? path.join(__dirname, '..'));
  const environment = e.RECONCILER_ENV ?? 'local';
  try {
    const env = loadEnvironment(root, environment);
    const local = env.spec.kind === 'local';
    const mode = (e.RECONCILER_MODE ??
      (local ? 'enforce' : (env.spec.runtime?.reconcilerMode ?? 'observe'))) as Mode;
    if (mode !== 'enforce' && mode !== 'observe')
      throw new ConnectionError(
        `RECONCILER_MODE must be enforce or observe, got "${String(mode)}"`,
      );
    let tokens = tokensFromEnv(e.RECONCILER_TOKENS);
    if (tokens.length === 0 && local) {
      const token = generateToken();
      tokens = [{ name: 'local-operator', role: 'operator', sha256: hashToken(token) }];
      // Printed once, on the terminal only; the process keeps the hash.
      process.stderr.write(`operator token for this run (shown once): ${token}\n`);
    } else if (tokens.length === 0) {
      log.warn('RECONCILER_TOKENS is empty: every /api/v1 request will get 401');
    }
    const service = await startService({
      root,
      environment,
      mode,
      intervalMs: Number(e.RECONCILER_INTERVAL_SECONDS ?? 60) * 1000,
      host: e.RECONCILER_HOST ?? '127.0.0.1',
      port: Number(e.RECONCILER_PORT ?? 8088),
      tokens,
      connection: connectionFor(
        local ? 'local' : 'confluent-cloud',
        e.STREAMPLANE_CONNECTION ? { connectionFile: e.STREAMPLANE_CONNECTION } : {},
      ),
      log,
    });
    const shutdown = (signal: string): void => {
      log.info({ signal }, 'shutting down: finishing the request in flight');
      void service.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  } catch (err) {
    if (err instanceof CatalogError || err instanceof ConnectionError) {
      console.error(err.message);
    } else {
      log.error({ err: (err as Error).message }, 'reconciler failed to start');
    }
    process.exit(1);
  }
}

void main();
