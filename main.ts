// `npm run synth` / `cdktf synth|diff|deploy`: loads the catalog from the working directory and
// synthesizes every stack to cdktf.out/. An invalid catalog stops here with its own positioned
// diagnostics (the same as `npm run validate`), never with a stack trace.
import { argumentlessExit } from './shared/cli';

const USAGE = `usage: npm run synth   (or cdktf synth|diff|deploy, which run this app)

Loads the catalog in the working directory and writes every Terraform stack to cdktf.out/
(exit 0), or prints the catalog's findings (exit 1, see npm run validate).`;

async function main(argv: readonly string[]): Promise<number> {
  const stop = argumentlessExit(argv, USAGE);
  if (stop !== undefined) return stop;
  // cdktf and the catalog load only now: help answers without them.
  const [{ formatDiagnostic }, { loadRemembered }, { readAdoption }, { buildStacks }] =
    await Promise.all([
      import('./catalog/diagnostics'),
      import('./catalog/validate'),
      import('./importer/adoption'),
      import('./stacks/app'),
    ]);
  // What `npm run validate` remembers: an unchanged catalog is not loaded again, and files and
  // schemas that passed are not parsed or checked again.
  const result = loadRemembered(process.cwd());
  if (!result.catalog) {
    for (const d of result.diagnostics) console.error(formatDiagnostic(d));
    console.error(
      `synth: the catalog has ${result.errorCount} error(s): fix the catalog first (npm run validate)`,
    );
    return 1;
  }
  // What `npm run import` adopted from existing clusters (imports/<env>.json): import blocks.
  buildStacks(result.catalog, { adoption: (env) => readAdoption(process.cwd(), env) }).app.synth();
  return 0;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
