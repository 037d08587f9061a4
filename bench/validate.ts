// Validation of a 10,000-topic catalog (200 domains × 50 topics, each with a schema).
// Targets on the 2-core reference machine: cold under 1.5 s, warm and PR under 1 s. Printed three ways: cold (every file parsed,
// every schema checked); warm (nothing changed since the previous run: files come from the parse
// cache, schemas from the verdicts); and a pull request (one domain file and one schema changed).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../shared/repo-root';
import { generateCatalog } from './generate-catalog';
import { evalArgs, loadLine, processLine, timeCommand } from './processes';
import { measureHistoryCase } from './validate-history';

const HELPED = 'items done by helper threads';

interface Run {
  ms: number;
  cpuMs: number;
  errors: number;
  warnings: number;
  maxRssMb: number;
  phases: Record<string, number>;
}

export async function run(): Promise<void> {
  const { root, topics } = generateCatalog(200, 50);
  try {
    measureAll(root, topics);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function measureAll(root: string, topics: number): void {
  // What a user waits for: `npm run validate --no-cache` as a whole process, start-up included,
  // with helper threads as the command decides (none while the machine's cores are busy), then
  // with none and with one whatever the load.
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const command = ['catalog/cli.ts', 'validate', '--no-cache', '--root', root];
  timeCommand(['catalog/cli.ts', 'codeowners', '--root', root], { runs: 1, warmup: false });
  console.log(`validate, ${topics} topics with schemas, whole process`);
  console.log(`  ${loadLine()}`);
  console.log(
    processLine('cold (--no-cache), median of ' + runs, timeCommand(command, { runs }), '< 1.5 s'),
  );
  // The same with helper threads fixed (STREAMPLANE_HELPER_THREADS, parallel.ts): whether they
  // pay for themselves on this machine, as a user waits, whatever the load average says.
  for (const threads of [0, 1]) {
    const env = { ...process.env, STREAMPLANE_HELPER_THREADS: String(threads) };
    const label = threads === 0 ? 'cold, no helper thread' : 'cold, one helper thread';
    console.log(processLine(label, timeCommand(command, { runs, env }), '< 1.5 s'));
  }
  // Nothing changed since the last validation: the kept load (catalog/snapshot.ts), as a user
  // who validates twice waits for it (the first run keeps it).
  const again = ['catalog/cli.ts', 'validate', '--root', root];
  console.log(
    processLine('warm, nothing changed, median of ' + runs, timeCommand(again, { runs }), '< 1 s'),
  );
  // In process: one thread against helper threads forced on (whatever the load).
  const measure = (cache: boolean, parallel: string = 'undefined'): Run => {
    const script = `
      const { validateCatalog } = require(${JSON.stringify(join(__dirname, '..', 'catalog', 'validate'))});
      const t0 = process.hrtime.bigint();
      const phases = new Map();
      const r = validateCatalog(${JSON.stringify(root)}, { codeowners: false, cache: ${cache}, phases, parallel: ${parallel} });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const ru = process.resourceUsage();
      console.log(JSON.stringify({ ms, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000, errors: r.errorCount, warnings: r.diagnostics.length - r.errorCount, maxRssMb: process.resourceUsage().maxRSS / 1024, phases: Object.fromEntries(phases) }));
    `;
    const out = execFileSync(process.execPath, evalArgs(script), {
      cwd: REPO_ROOT,
    });
    return JSON.parse(out.toString()) as Run;
  };
  const cold = [false, false, false].map((c) => measure(c, 'false'));
  const helped = [false, false, false].map((c) => measure(c, '{ threads: 1 }'));
  measure(true); // fills the cache
  const warm = [true, true, true].map((c) => measure(c));
  // What a PR check sees: one domain's file and one of its schemas differ from the cached run.
  const change = (i: number): Run => {
    const file = join(root, 'topics', 'domain-7.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /Event 3 of domain-7[^\n]*/,
        `Event 3 of domain-7, change ${i}`,
      ),
    );
    const schema = join(root, 'schemas', 'domain-7', 'event-3.avsc');
    const avro = JSON.parse(readFileSync(schema, 'utf8')) as { doc?: string };
    writeFileSync(schema, JSON.stringify({ ...avro, doc: `change ${i}` }, null, 2));
    return measure(true);
  };
  const pullRequest = [1, 2, 3].map(change);
  // The best run, and where its time went (the rest is cache I/O and reporting).
  const line = (label: string, runs: Run[]): string => {
    const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    // The loader also counts the items its helper threads did (a count, not milliseconds).
    const { [HELPED]: helped, ...timings } = best.phases;
    const phases =
      Object.entries(timings)
        .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
        .join(', ') + (helped === undefined ? '' : `; ${helped} items done by helper threads`);
    const cpu =
      [...runs].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(runs.length / 2)]?.cpuMs ?? 0;
    return [
      `  ${label}: best ${best.ms.toFixed(0)} ms (runs ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; median CPU ${cpu.toFixed(0)} ms), peak RSS ${Math.max(...runs.map((r) => r.maxRssMb)).toFixed(0)} MB`,
      `    best run's phases (ms): ${phases}`,
    ].join('\n');
  };
  console.log(
    `validate in process: ${topics} topics with schemas (errors ${cold[0]?.errors}, warnings ${cold[0]?.warnings}); target cold < 1500 ms, warm and PR < 1000 ms`,
  );
  console.log(`  ${loadLine()}`);
  console.log(line('cold, nothing remembered, one thread', cold));
  console.log(line('cold, nothing remembered, a helper thread', helped));
  console.log(line('warm, nothing changed', warm));
  console.log(line('pull request, one domain file and one schema changed', pullRequest));
  // A smaller catalog in git, so the figure shows what the history adds to a PR check.
  console.log(measureHistoryCase(generateCatalog(20, 50)));
}
