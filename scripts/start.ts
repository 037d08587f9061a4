// `npm start`: the newcomer's first command. Validates the catalog, brings the local platform
// up (a real Kafka broker and schema registry), applies the catalog, and says what to try next.
// Each step is one function, so later steps (round trip, API) slot in as one line each.
import { formatDiagnostic } from '../catalog/diagnostics';
import { render, summaryLine } from '../catalog/report';
import { validateCatalog } from '../catalog/validate';
import { StackError } from './local/errors';
import { REPO_ROOT } from './local/paths';
import { loadPrincipals } from './local/principals';
import { upInteractive } from './local/up-interactive';

const step = (n: number, total: number, what: string): void =>
  console.log(`\n[${n}/${total}] ${what}`);

async function main(): Promise<number> {
  const total = 2;
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
  const info = await upInteractive({ principals: loadPrincipals() });
  if (!info) return 130;

  console.log(`
The platform is up on this machine. Try next:
  npm run validate -- --base origin/main   the PR check a domain team gets
  npm run local:status                     health, ports and memory of the local stack
  npm run synth                            the Terraform stacks for Confluent Cloud (cdktf.out/)
  npm run local:down                       stop everything`);
  return 0;
}

for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof StackError) console.error(`error: ${err.message}`);
    else console.error(err);
    process.exitCode = 1;
  },
);
