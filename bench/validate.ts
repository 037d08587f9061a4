// Validation of a 10,000-topic catalog (200 domains × 50 topics, each with a schema).
// Target: under 1 s on the 2-core reference machine. Printed twice: cold (every schema checked)
// and warm (schemas unchanged since the previous run come from the verdict cache).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generateCatalog } from './generate-catalog';

interface Run {
  ms: number;
  errors: number;
  warnings: number;
  maxRssMb: number;
}

export async function run(): Promise<void> {
  const { root, topics } = generateCatalog(200, 50);
  // A fresh process per measurement, so peak RSS is the validation's own.
  const measure = (cache: boolean): Run => {
    const script = `
      const { validateCatalog } = require(${JSON.stringify(join(__dirname, '..', 'catalog', 'validate'))});
      const t0 = process.hrtime.bigint();
      const r = validateCatalog(${JSON.stringify(root)}, { codeowners: false, cache: ${cache} });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(JSON.stringify({ ms, errors: r.errorCount, warnings: r.diagnostics.length - r.errorCount, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
    `;
    const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '..'),
    });
    return JSON.parse(out.toString()) as Run;
  };
  const cold = [false, false, false].map(measure);
  measure(true); // fills the cache
  const warm = [true, true, true].map(measure);
  const line = (label: string, runs: Run[]): string =>
    `  ${label}: best ${Math.min(...runs.map((r) => r.ms)).toFixed(0)} ms (runs ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms), peak RSS ${Math.max(...runs.map((r) => r.maxRssMb)).toFixed(0)} MB`;
  console.log(
    `validate: ${topics} topics with schemas (errors ${cold[0]?.errors}, warnings ${cold[0]?.warnings}); target < 1000 ms`,
  );
  console.log(line('cold, every schema checked', cold));
  console.log(line('warm, unchanged schemas cached', warm));
}
