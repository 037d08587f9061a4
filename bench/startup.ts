// Start-up budget: the commands users wait for, as whole processes (node start-up, the launcher's
// staleness check, module loading, the work), several runs, best and median wall time, the median
// run's CPU (user + system) and the load average. The no-op `plan` of 1,000 topics needs a broker
// holding them: `npm run bench -- reconcile` measures it on its private broker. Here `plan --env
// local` runs the sample catalog against this checkout's local stack as it is; when the stack is
// not up, the bench starts it (scripts/local, as `npm run local:up` does), applies the sample
// catalog so the plan is a no-op, and stops the stack again afterwards; when it cannot start, the
// line says it was skipped and why. Each command also runs once more without the launcher's V8 code cache
// (scripts/code-cache.cjs), to show what the cache saves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  const uncached = timeCommand(help, { runs: RUNS * 2, env: NO_CODE_CACHE });
  console.log(processLine('--help without the code cache', uncached, '(informative)'));
  await planLocal();
  console.log(`  ${loadLine()}`);
}

const NO_CODE_CACHE = { ...process.env, STREAMPLANE_CODE_CACHE: 'off' };

/** `plan --env local` of the sample catalog on this checkout's local stack, started if need be. */
async function planLocal(): Promise<void> {
  const label = 'plan --env local, sample catalog';
  const { status, up, down } = await import('../scripts/local/stack');
  const healthy = async (): Promise<boolean> => {
    try {
      return (await status()).services.every((s) => s.healthy);
    } catch {
      return false; // never started: no address book yet
    }
  };
  let started = false;
  if (!(await healthy())) {
    const t0 = performance.now();
    try {
      const { loadLocalUsers } = await import('../scripts/local/principals');
      await up(loadLocalUsers());
      started = true;
    } catch (err) {
      console.log(
        `  ${label}: skipped: the local stack is not up and could not be started ` +
          `(${(err as Error).message.split('\n')[0]})`,
      );
      return;
    }
    console.log(
      `  (the local stack was not up: started it in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        'for this line; it is stopped again after)',
    );
  }
  try {
    const plan = ['reconciler/cli.ts', 'plan', '--env', 'local'];
    // A no-op plan is what is measured: a stack started here gets the catalog first (one the
    // developer had up is planned as it is, never changed by a benchmark).
    if (started) {
      const apply = ['reconciler/cli.ts', 'apply', '--env', 'local'];
      const applied = timeCommand(apply, { runs: 1, warmup: false });
      if (applied.exitCodes[0] !== 0) console.log(`    apply first: ${applied.stderr.trim()}`);
    }
    const figures = timeCommand(plan, { runs: RUNS });
    const noOp = figures.exitCodes.every((c) => c === 0);
    console.log(processLine(`${label}${noOp ? ', no-op' : ''}`, figures, '< 0.7 s'));
    if (figures.exitCodes.some((c) => c === 1)) console.log(`    ${figures.stderr.trim()}`);
    const uncached = timeCommand(plan, { runs: RUNS, env: NO_CODE_CACHE });
    console.log(processLine('plan --env local, without the code cache', uncached, '(informative)'));
  } finally {
    if (started) await down();
  }
}
