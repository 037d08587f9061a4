// Start-up budget: the commands users wait for, as whole processes (node start-up, the launcher's
// staleness check, module loading, the work), several runs, best and median wall time, the median
// run's CPU (user + system) and the load average. The no-op `plan` of 1,000 topics needs a broker
// holding them: `npm run bench -- reconcile` measures it on its private broker. Here `plan --env
// local` runs against this checkout's local stack when it is up (`npm run local:up`), and is
// skipped otherwise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAddressBook } from '../shared/local-stack';
import { REPO_ROOT } from '../shared/repo-root';
import { loadLine, processLine, timeCommand } from './processes';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** Each command line package.json runs through the launcher, once per entry point. */
function commandLines(): [string, string[]][] {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const byEntry = new Map<string, [string, string[]]>();
  for (const [name, line] of Object.entries(scripts)) {
    const m = /^node scripts\/run\.cjs (\S+)((?: [^\s&|;]+)*)$/.exec(line);
    const entry = m?.[1];
    if (!entry || byEntry.has(entry)) continue;
    byEntry.set(entry, [name, [entry, '--help']]);
  }
  return [...byEntry.values()];
}

export async function run(): Promise<void> {
  console.log(`startup: whole processes, ${RUNS} runs after one warm-up; ${loadLine()}`);
  console.log(
    processLine(
      'validate, sample catalog',
      timeCommand(['catalog/cli.ts', 'validate'], { runs: RUNS }),
      '< 0.25 s',
    ),
  );
  console.log(
    processLine(
      'validate --no-cache, sample catalog',
      timeCommand(['catalog/cli.ts', 'validate', '--no-cache'], { runs: RUNS }),
      '(informative)',
    ),
  );
  for (const [name, args] of commandLines())
    console.log(
      processLine(`npm run ${name} -- --help`, timeCommand(args, { runs: RUNS }), '< 0.25 s'),
    );
  // What the launcher adds to every command: its staleness check of the sources (a stat of each
  // source and compiled file), measured on the cheapest command, against node on dist/ directly.
  const help = ['reconciler/cli.ts', '--help'];
  const launched = timeCommand(help, { runs: RUNS * 2 });
  const direct = timeCommand(help, { runs: RUNS * 2, direct: true });
  console.log(processLine('--help, node on dist/ without the launcher', direct, '(informative)'));
  const ms = (s: number): string => `${(s * 1000).toFixed(0)} ms`;
  console.log(
    `  launcher overhead: median ${ms(launched.median - direct.median)} wall, ` +
      `${ms((launched.cpu ?? 0) - (direct.cpu ?? 0))} cpu (target: a few ms)`,
  );
  let localUp = false;
  try {
    readAddressBook();
    localUp = true;
  } catch {
    // No local stack: nothing to plan against.
  }
  if (!localUp) {
    console.log('  plan --env local, sample catalog: skipped (the local stack is not up)');
    return;
  }
  const plan = timeCommand(['reconciler/cli.ts', 'plan', '--env', 'local'], { runs: RUNS });
  console.log(
    processLine(
      `plan --env local, sample catalog${plan.exitCodes.every((c) => c === 0) ? ', no-op' : ''}`,
      plan,
      '< 0.7 s',
    ),
  );
  if (plan.exitCodes.some((c) => c === 1)) console.log(`    ${plan.stderr.trim()}`);
  console.log(`  ${loadLine()}`);
}
