// Validation of a 10,000-topic catalog (200 domains × 50 topics, each with a schema).
// Target: under 1 s on the 2-core reference machine.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generateCatalog } from './generate-catalog';

export async function run(): Promise<void> {
  const { root, topics } = generateCatalog(200, 50);
  // A fresh process per measurement, so peak RSS is the validation's own.
  const script = `
    const { validateCatalog } = require(${JSON.stringify(join(__dirname, '..', 'catalog', 'validate'))});
    const t0 = process.hrtime.bigint();
    const r = validateCatalog(${JSON.stringify(root)}, { codeowners: false });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ ms, errors: r.errorCount, warnings: r.diagnostics.length - r.errorCount, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  `;
  const runs = [1, 2, 3].map(
    () =>
      JSON.parse(
        execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
          cwd: join(__dirname, '..'),
        }).toString(),
      ) as {
        ms: number;
        errors: number;
        warnings: number;
        maxRssMb: number;
      },
  );
  const best = Math.min(...runs.map((r) => r.ms));
  console.log(`validate: ${topics} topics with schemas`);
  console.log(
    `  time (best of 3): ${best.toFixed(0)} ms   runs: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms   target < 1000 ms`,
  );
  console.log(
    `  peak RSS: ${Math.max(...runs.map((r) => r.maxRssMb)).toFixed(0)} MB   errors: ${runs[0]?.errors} warnings: ${runs[0]?.warnings}`,
  );
}
