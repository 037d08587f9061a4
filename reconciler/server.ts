// `npm run reconciler`: the service, configured from the environment (see README "The reconciler").
import path from 'node:path';
import type { Mode } from './reconcile';
import { argumentlessExit } from '../shared/cli';
import { REPO_ROOT } from '../shared/repo-root';

// Help names where the variables are rather than listing them: their names live in config.ts,
// whose zod shapes help has no use for.
const USAGE = `usage: npm run reconciler

Serves the reconciler API and status page and reconciles the catalog on an interval. Configured
from environment variables: README, "The reconciler", and RECONCILER_VARS in reconciler/config.ts.`;

async function main(argv: readonly string[]): Promise<void> {
  const stop = argumentlessExit(argv, USAGE);
  if (stop !== undefined) {
    process.exitCode = stop;
    return;
  }
  // The service's modules (fastify, kafkajs, the catalog) load only now.
  const [
    { CatalogError, loadEnvironment },
    { ConnectionError, connectionFor },
    { createLogger },
    { RECONCILER_VARS, SettingsError, apiLimitsOf, readReconcilerSettings },
    { generateToken, hashToken },
    { startService },
  ] = await Promise.all([
    import('./catalog-source'),
    import('./cluster/connection'),
    import('./log'),
    import('./config'),
    import('./service/auth'),
    import('./service'),
  ]);
  const log = createLogger();
  try {
    const settings = readReconcilerSettings(process.env);
    const root = path.resolve(settings.root ?? REPO_ROOT);
    const environment = settings.environment;
    const env = loadEnvironment(root, environment);
    const local = env.spec.kind === 'local';
    const mode: Mode =
      settings.mode ?? (local ? 'enforce' : (env.spec.runtime?.reconcilerMode ?? 'observe'));
    let tokens = settings.tokens;
    if (tokens.length === 0 && local) {
      const token = generateToken();
      tokens = [{ name: 'local-operator', role: 'operator', sha256: hashToken(token) }];
      // Printed once, on the terminal only; the process keeps the hash.
      process.stderr.write(`operator token for this run (shown once): ${token}\n`);
    } else if (tokens.length === 0) {
      log.warn(`${RECONCILER_VARS.tokens} is empty: every /api/v1 request will get 401`);
    }
    const service = await startService({
      root,
      environment,
      mode,
      intervalMs: settings.intervalSeconds * 1000,
      host: settings.host,
      port: settings.port,
      tokens,
      ...(settings.catalogUrl !== undefined ? { catalogUrl: settings.catalogUrl } : {}),
      limits: apiLimitsOf(settings),
      ...(settings.planRefreshMinSeconds !== undefined
        ? { refreshMinMs: settings.planRefreshMinSeconds * 1000 }
        : {}),
      connection: connectionFor(
        local ? 'local' : 'confluent-cloud',
        settings.connectionFile ? { connectionFile: settings.connectionFile } : {},
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
    if (
      err instanceof CatalogError ||
      err instanceof ConnectionError ||
      err instanceof SettingsError
    ) {
      console.error(err.message);
    } else {
      log.error({ err: (err as Error).message }, 'reconciler failed to start');
    }
    process.exit(1);
  }
}

void main(process.argv.slice(2));
