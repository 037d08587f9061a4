// `npm run bench -- <name…>`: runs benchmarks and prints their figures. Targets are printed next
// to the figures for people to judge; nothing here fails a build on timings.
import { asksForHelp } from '../shared/cli';

const BENCHES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  startup: () => import('./startup'),
  validate: () => import('./validate'),
  local: () => import('./local'),
  reconcile: () => import('./reconcile'),
  client: () => import('./client'),
  api: () => import('./api'),
  synth: () => import('./synth'),
  deploy: () => import('./deploy'),
  import: () => import('./import'),
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  if (asksForHelp(names)) {
    console.log(
      `usage: npm run bench [-- <name>…]   (all when none is named)\n\n` +
        `Benchmarks, each figure printed next to its target: ${Object.keys(BENCHES).join(', ')}.`,
    );
    return;
  }
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark: ${unknown.join(', ')} (available: ${Object.keys(BENCHES).join(', ')})`,
    );
    process.exitCode = 2;
    return;
  }
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    console.log(`\n== ${name}`);
    await (await (BENCHES[name] as () => Promise<{ run(): Promise<void> }>)()).run();
  }
}

void main();
