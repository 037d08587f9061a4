// `npm start`: the newcomer's first command. Validates the catalog, brings the local platform
// up (a real Kafka broker and schema registry), applies the catalog with the reconciler, runs a
// typed round trip with the client app, then serves the reconciler API and its status page until
// Ctrl-C.
import { argumentlessExit } from '../shared/cli';
import { StackError } from './local/errors';
import { REPO_ROOT } from '../shared/repo-root';

const USAGE = `usage: npm start

Validates the catalog, starts the local stack (Kafka + schema registry), applies the catalog with
the reconciler, runs a typed round trip with the client app, then serves the reconciler API and
its status page until Ctrl-C. The local stack keeps running (npm run local:down stops it).
Ports: STREAMPLANE_KAFKA_PORT, STREAMPLANE_CONTROLLER_PORT, STREAMPLANE_REGISTRY_PORT.`;

const step = (n: number, total: number, what: string): void =>
  console.log(`\n[${n}/${total}] ${what}`);

async function main(argv: readonly string[]): Promise<number> {
  const stop = argumentlessExit(argv, USAGE);
  if (stop !== undefined) return stop;
  // Everything else (the catalog, the stack, the Kafka clients, the API) loads only now.
  const [
    { formatDiagnostic },
    { roundTrip },
    { applyLocal, serveLocal },
    { render, summaryLine },
    { validateCatalog },
    { loadLocalUsers },
    { upInteractive },
  ] = await Promise.all([
    import('../catalog/diagnostics'),
    import('../clientapp/round-trip'),
    import('../reconciler/local'),
    import('../catalog/report'),
    import('../catalog/validate'),
    import('./local/principals'),
    import('./local/up-interactive'),
  ]);
  const total = 5;
  step(1, total, 'Validating the catalog (platform.yaml, topics/, schemas/)');
  const result = validateCatalog(REPO_ROOT);
  if (result.errorCount > 0 || !result.summary) {
    console.error(render('human', result.diagnostics, undefined, Boolean(process.stderr.isTTY)));
    console.error('\nFix the catalog first: nothing was started.');
    return 1;
  }
  for (const d of result.diagnostics) console.log(formatDiagnostic(d));
  console.log(summaryLine(result.summary));

  step(2, total, 'Starting the local stack (Kafka + schema registry)');
  const info = await upInteractive(loadLocalUsers());
  if (!info) return 130;

  step(3, total, 'Applying the catalog to the local stack (topics, configs, ACLs, schemas)');
  const applied = await applyLocal(REPO_ROOT);
  const { commands, succeeded, failed } = applied.counts;
  console.log(
    commands === 0
      ? 'Already in sync: nothing to do.'
      : `${succeeded} of ${commands} commands applied${failed ? `, ${failed} failed` : ''} in ${(applied.durationMs / 1000).toFixed(1)} s.`,
  );
  if (applied.state !== 'succeeded') {
    console.error(
      `The apply failed${applied.error ? `: ${applied.error}` : ''}. See npm run plan -- --env local.`,
    );
    return 1;
  }

  step(4, total, 'Round trip: orders/order-service publishes, payments/payment-service consumes');
  const trip = await roundTrip({ count: 5, log: (line) => console.log(`  ${line}`) });
  console.log(`${trip.published.length} published, ${trip.consumed.length} consumed and decoded.`);

  step(
    5,
    total,
    'Serving the reconciler API and status page (Ctrl-C stops it; the local stack keeps running)',
  );
  const api = await serveLocal({ root: REPO_ROOT });
  console.log(`
The platform is up on this machine. Try next:
  open ${api.url}/ and log in with the token above: the status page (topics, drift, passes)
  curl ${api.url}/healthz                 the reconciler's health (also /readyz, /metrics)
  curl -H "Authorization: Bearer <token>" ${api.url}/api/v1/status
  npm run plan -- --env local            drift between the catalog and the local cluster
  npm run clientapp -- --count 100       a bigger round trip with the typed client
  npm run validate -- --base origin/main the PR check a domain team gets
  npm run synth                          the Terraform stacks for Confluent Cloud (cdktf.out/)
  npm run local:down                     stop the local stack`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log(
    '\nStopping the reconciler API (the local stack keeps running; npm run local:down stops it).',
  );
  await api.close();
  return 0;
}

for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof StackError) console.error(`error: ${err.message}`);
    else console.error(err);
    process.exitCode = 1;
  },
);
