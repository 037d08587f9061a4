// `cdktf deploy` with the real tools: the sample catalog's confluent-double environment (platform
// and domain stacks) deployed from empty by the cdktf CLI, the real terraform CLI and the real
// Confluent provider, onto the Confluent Cloud double, whose data plane is a private Kafka broker
// and registry (temp dir, free ports: the shared stack is neither needed nor touched). Then a
// no-op `cdktf diff` of every stack, several times, and the same check as `terraform plan
// -detailed-exitcode` per stack; then `cdktf destroy '*'`. Targets: deploy < 2 min, no-op diff < 30 s. Needs the
// providers installed (scripts/providers/build.sh). Figures are printed, never asserted; a failed
// command prints its output and sets a non-zero exit code instead of figures.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { providersInstalled } from '../scripts/providers/terraform';
import type { TerraformRun } from '../scripts/providers/terraform';
import { SANDBOX_ENV, openSandbox } from '../test/support/sandbox';
import type { Sandbox } from '../test/support/sandbox';

const SELECT = [`platform-${SANDBOX_ENV}`, `domain-*-${SANDBOX_ENV}`];
const CDKTF = ['--skip-provider-lock'];
const TARGET_DEPLOY = '< 2 min';
const TARGET_DIFF = '< 30 s';
/** No-op runs of each kind: this machine is shared, so the best and the median are shown. */
const RUNS = Math.max(1, Number(process.env.BENCH_DEPLOY_RUNS ?? 3));
/** Whether to time the plain `terraform plan` per stack as well (BENCH_DEPLOY_PLAN=0 skips it). */
const PLAIN_PLAN = process.env.BENCH_DEPLOY_PLAN !== '0';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const min = (ms: number[]): number => Math.min(...ms);
function median(ms: number[]): number {
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** A command that failed: its output has been printed already. */
class Failed extends Error {}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

function printOutput(what: string, r: TerraformRun): void {
  console.log(`  ${what} failed (exit code ${r.code}); its output:`);
  if (r.stdout.trim()) console.log(r.stdout.trimEnd());
  if (r.stderr.trim()) console.log(r.stderr.trimEnd());
}

/** Runs the cdktf CLI in the sandbox, timed; a non-zero exit prints the output and throws. */
async function cdktf(sb: Sandbox, args: string[]): Promise<[TerraformRun, number]> {
  const [r, ms] = await timed(() => sb.cdktf(args));
  if (r.code !== 0) {
    printOutput(`cdktf ${args.join(' ')}`, r);
    throw new Failed(`cdktf ${args[0]} failed`);
  }
  return [r, ms];
}

/** Sum of a count over the stacks' summaries in cdktf output ("Resources: 12 added, …"). */
function resources(output: string, re: RegExp): number {
  return [...output.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
}

/** The synthesized stacks the selectors name (cdktf deploy leaves them in the catalog copy). */
function selectedStacks(sb: Sandbox): string[] {
  const domain = new RegExp(`^domain-.+-${SANDBOX_ENV}$`);
  return readdirSync(join(sb.outdir, 'stacks'))
    .filter((s) => s === `platform-${SANDBOX_ENV}` || domain.test(s))
    .sort((a, b) =>
      a.startsWith('platform-') ? -1 : b.startsWith('platform-') ? 1 : a < b ? -1 : 1,
    );
}

/** `RUNS` rounds of a timed no-op check over every stack in turn: sums per round, and per stack. */
async function noOp(
  stacks: string[],
  check: (stack: string) => Promise<number>,
): Promise<{ sums: number[]; byStack: Map<string, number[]> }> {
  const sums: number[] = [];
  const byStack = new Map<string, number[]>(stacks.map((s) => [s, []]));
  for (let i = 0; i < RUNS; i++) {
    let sum = 0;
    for (const stack of stacks) {
      const ms = await check(stack);
      byStack.get(stack)?.push(ms);
      sum += ms;
    }
    sums.push(sum);
  }
  return { sums, byStack };
}

function perStack(byStack: Map<string, number[]>): void {
  const parts = [...byStack].map(([stack, ms]) => `${stack} ${seconds(median(ms))}`);
  console.log(`    per stack (median): ${parts.join(', ')}`);
}

function row(label: string, runs: number[], target?: string): void {
  const figures =
    runs.length === 1
      ? seconds(runs[0] ?? 0)
      : `min ${seconds(min(runs))}, median ${seconds(median(runs))}`;
  const t = target === undefined ? '' : `   target ${target}`;
  console.log(`  ${label.padEnd(40)} ${figures.padEnd(30)}${t}`);
}

export async function run(): Promise<void> {
  if (!providersInstalled()) {
    console.log('  the providers are not installed: run bash scripts/providers/build.sh first');
    process.exitCode = 1;
    return;
  }
  console.log(
    `deploy: the sample catalog's ${SANDBOX_ENV} environment, cdktf + terraform + the Confluent ` +
      `provider, on the Confluent Cloud double (private broker and registry); cores ${os.cpus().length}`,
  );
  const [sb, openMs] = await timed(() => openSandbox());
  console.log(`  sandbox up (broker, registry, double)    ${seconds(openMs)}`);
  try {
    // 1. From empty.
    const [deploy, deployMs] = await cdktf(sb, ['deploy', ...SELECT, ...CDKTF, '--auto-approve']);
    const stacks = selectedStacks(sb);
    const added = resources(deploy.stdout, /Resources: (\d+) added/g);
    row('cdktf deploy from empty', [deployMs], TARGET_DEPLOY);
    console.log(`    ${stacks.length} stacks (${stacks.join(', ')}), ${added} resources created`);

    // 2. No-op diffs right after, one `cdktf diff` per stack: the CLI diffs a single stack named
    // exactly (`diff [stack]`, no globs) and ignores further selectors. As `npm run
    // deploy:sandbox -- diff` runs them: the first synthesizes, the others reuse its output.
    const cdktfDiff = await noOp(stacks, async (stack) => {
      const synth = stacks.indexOf(stack) > 0 ? ['--skip-synth'] : [];
      const [diff, ms] = await cdktf(sb, ['diff', stack, ...CDKTF, ...synth]);
      const output = diff.stdout + diff.stderr;
      if (!/No changes\./.test(output)) {
        console.log(`  cdktf diff ${stack} is not a no-op right after the deploy; its output:`);
        console.log(output.trimEnd());
        throw new Failed(`the diff of ${stack} is not empty`);
      }
      return ms;
    });
    row(`no-op cdktf diff, ${stacks.length} stacks (${RUNS} runs)`, cdktfDiff.sums, TARGET_DIFF);
    perStack(cdktfDiff.byStack);
    console.log(`    (cdktf diff ${SELECT.join(' ')} would diff ${SELECT[0]} only)`);

    // 3. The same check with plain terraform, per stack (no synth, no cdktf start-up).
    if (PLAIN_PLAN) {
      const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode'];
      const plain = await noOp(stacks, async (stack) => {
        const [plan, ms] = await timed(() => sb.terraform(stack, args));
        if (plan.code !== 0) {
          printOutput(`terraform ${args.join(' ')} in ${stack}`, plan);
          throw new Failed(plan.code === 2 ? `the plan of ${stack} is not empty` : 'plan failed');
        }
        return ms;
      });
      row(`no-op terraform plan, ${stacks.length} stacks (${RUNS} runs)`, plain.sums);
      perStack(plain.byStack);
    }
  } catch (err) {
    const e = err as Error;
    console.log(`  failed: ${err instanceof Failed ? e.message : (e.stack ?? String(err))}`);
    process.exitCode = 1;
  } finally {
    // Also after a failure: a deploy that stopped half-way leaves resources behind.
    try {
      const [destroy, destroyMs] = await timed(() =>
        sb.cdktf(['destroy', '*', ...CDKTF, '--auto-approve']),
      );
      if (destroy.code === 0) {
        const gone = resources(destroy.stdout, /Resources: (\d+) destroyed/g);
        row(`cdktf destroy '*'`, [destroyMs]);
        console.log(`    ${gone} resources destroyed`);
      } else {
        printOutput(`cdktf destroy '*'`, destroy);
        process.exitCode = 1;
      }
    } finally {
      await sb.close();
    }
  }
}
