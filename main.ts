// `npm run synth` / `cdktf synth|diff|deploy`: loads the catalog from the working directory and
// synthesizes every stack to cdktf.out/. An invalid catalog stops here with its own positioned
// diagnostics (the same as `npm run validate`), never with a stack trace.
import { formatDiagnostic } from './catalog/diagnostics';
import { loadCatalog } from './catalog/loader';
import { remembered } from './catalog/validate';
import { readAdoption } from './importer/adoption';
import { buildStacks } from './stacks/app';

function main(): number {
  // What `npm run validate` remembers: files and schemas that passed are not parsed or checked again.
  const memory = remembered(process.cwd());
  const result = loadCatalog(process.cwd(), memory.options);
  memory.save();
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

process.exitCode = main();
