// Synthesis of a 10,000-topic catalog (200 domains × 50 topics, each with a schema): every
// confluent-cloud environment's stacks (platform, 200 domain stacks, secrets, runtime).
// Target: under 5 s and 500 MB on the 2-core reference machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../shared/repo-root';
import { generateCatalog } from './generate-catalog';
import { evalArgs, loadLine, processLine, timeCommand } from './processes';
import type { ProcessFigures } from './processes';

interface Figures {
  loadMs: number;
  buildMs: number;
  synthMs: number;
  maxRssMb: number;
  cpuMs: number;
  stacks: number;
}

export async function run(): Promise<void> {
  const { root, topics } = generateCatalog(200, 50);
  const repo = join(__dirname, '..');
  const outdir = mkdtempSync(join(tmpdir(), 'streamplane-synth-'));
  // A fresh process, so peak RSS is the synthesis's own (catalog load included).
  const script = `
    const { loadCatalog } = require(${JSON.stringify(join(repo, 'catalog', 'loader'))});
    const { buildStacks } = require(${JSON.stringify(join(repo, 'stacks', 'app'))});
    const t0 = performance.now();
    const { catalog } = loadCatalog(${JSON.stringify(root)});
    if (!catalog) throw new Error('generated catalog is invalid');
    const t1 = performance.now();
    const { app } = buildStacks(catalog, { outdir: ${JSON.stringify(outdir)} });
    const t2 = performance.now();
    app.synth();
    const t3 = performance.now();
    console.log(JSON.stringify({ loadMs: t1 - t0, buildMs: t2 - t1, synthMs: t3 - t2, maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000, stacks: app.node.children.length }));
  `;
  try {
    const f = JSON.parse(
      execFileSync(process.execPath, evalArgs(script), { cwd: REPO_ROOT }).toString(),
    ) as Figures;
    const total = f.loadMs + f.buildMs + f.synthMs;
    console.log(
      `synth: ${topics} topics with schemas, ${readdirSync(join(outdir, 'stacks')).length} stacks`,
    );
    console.log(
      `  time: ${(total / 1000).toFixed(1)} s (catalog ${(f.loadMs / 1000).toFixed(1)} s, constructs ${(f.buildMs / 1000).toFixed(1)} s, synth ${(f.synthMs / 1000).toFixed(1)} s)   target < 5 s`,
    );
    console.log(
      `  peak RSS: ${f.maxRssMb.toFixed(0)} MB   target < 500 MB   (CPU ${(f.cpuMs / 1000).toFixed(1)} s)`,
    );
    // What a user waits for: `npm run synth` in the catalog, a whole process, start-up included;
    // after one run that fills what `npm run validate` remembers, as in a checkout where it ran.
    // Twice: with cdktf.out as the previous run left it (the stacks are compared, none is
    // rewritten), and without it (every stack file written, as on a first synth or in CI).
    const runs = Number(process.env.BENCH_RUNS ?? 5);
    const main = [join(REPO_ROOT, 'main.ts')];
    const again = timeCommand(main, { runs, cwd: root });
    const fresh = mergeRuns(
      Array.from({ length: runs }, () => {
        rmSync(join(root, 'cdktf.out'), { recursive: true, force: true });
        return timeCommand(main, { runs: 1, warmup: false, cwd: root });
      }),
    );
    console.log(`  ${loadLine()}`);
    console.log(
      processLine(`npm run synth, cdktf.out up to date, median of ${runs}`, again, '< 5 s'),
    );
    console.log(processLine(`npm run synth, no cdktf.out, median of ${runs}`, fresh, '< 5 s'));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
}

/** Single runs as one set of figures: min and median wall, the median run's CPU. */
function mergeRuns(runs: readonly ProcessFigures[]): ProcessFigures {
  const byWall = [...runs].sort((a, b) => a.median - b.median);
  const median = byWall[Math.floor(byWall.length / 2)];
  if (!median) throw new Error('no runs');
  return {
    ...median,
    min: byWall[0]?.median ?? median.median,
    exitCodes: runs.flatMap((r) => r.exitCodes),
    load: runs[runs.length - 1]?.load ?? median.load,
  };
}
