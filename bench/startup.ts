// Start-up budget: the commands users wait for, as whole processes (node start-up, the launcher's
// staleness check, module loading, the work), several runs, best and median. The no-op `plan`
// of 1,000 topics needs a broker holding them: `npm run bench -- reconcile` measures it on its
// private broker. Here `plan --env local` runs against this checkout's local stack when it is
// up (`npm run local:up`), and is skipped otherwise.
import { readAddressBook } from '../shared/local-stack';
import { processLine, timeCommand } from './processes';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const HELP: readonly [string, readonly string[]][] = [
  ['catalog (validate, codeowners)', ['catalog/cli.ts', '--help']],
  ['reconciler (plan, apply)', ['reconciler/cli.ts', '--help']],
  ['clientapp', ['clientapp/cli.ts', '--help']],
  ['local stack', ['scripts/local/cli.ts', '--help']],
  ['cloud double', ['scripts/cloud-double/cli.ts', '--help']],
];

export async function run(): Promise<void> {
  console.log(`startup: whole processes, ${RUNS} runs after one warm-up`);
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
  for (const [label, args] of HELP)
    console.log(processLine(`--help, ${label}`, timeCommand(args, { runs: RUNS }), '< 0.25 s'));
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
}
