// The pull-request check with a base revision: `validate --base main` on the generated catalog
// whose changed schema has 200 earlier versions in git and a *_TRANSITIVE level, so the new
// version is compared with every one of them. Target: under 1 s warm (parse cache and verdicts
// filled by a previous run), as the PR check runs it.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../shared/repo-root';
import type { GeneratedCatalog } from './generate-catalog';
import { evalArgs } from './processes';

const VERSIONS = 200;

interface Run {
  readonly ms: number;
  readonly errors: number;
  readonly phases: Record<string, number>;
}

export function measureHistoryCase({ root, topics }: GeneratedCatalog): string {
  const git = (args: string[], input?: string): string =>
    execFileSync(
      'git',
      ['-C', root, '-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...args],
      {
        input,
        maxBuffer: 1 << 30,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    ).toString();
  const domainFile = join(root, 'topics', 'domain-7.yaml');
  const schemaPath = 'schemas/domain-7/event-3.avsc';
  const schemaFile = join(root, schemaPath);
  // The subject checks transitively: every earlier version counts.
  writeFileSync(
    domainFile,
    readFileSync(domainFile, 'utf8').replace(
      /(Event 3 of domain-7[^\n]*\n(?:.*\n)*?\s+schema:\n\s+value: event-3\.avsc\n\s+key: string)/,
      '$1\n      compatibility: BACKWARD_TRANSITIVE',
    ),
  );
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['commit', '-qm', 'base']);
  // 200 versions of the schema, written in one fast-import.
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { fields: unknown[] };
  // Version i: its own doc and 1 to 20 optional fields (a schema of 5 to 24 fields, as real
  // ones are), so every version differs from the others.
  const version = (i: number): string =>
    JSON.stringify(
      {
        ...schema,
        doc: `version ${i}`,
        fields: [
          ...schema.fields,
          ...Array.from({ length: 1 + (i % 20) }, (_, k) => ({
            name: `f${k}`,
            type: ['null', 'string'],
            default: null,
          })),
        ],
      },
      null,
      2,
    );
  let stream = '';
  for (let i = 1; i <= VERSIONS; i++) {
    const text = version(i);
    const message = `version ${i}`;
    stream += `commit refs/heads/main\ncommitter bench <bench@example.com> ${1_700_000_000 + i} +0000\n`;
    stream += `data ${Buffer.byteLength(message)}\n${message}\n`;
    if (i === 1) stream += 'from refs/heads/main^0\n';
    stream += `M 100644 inline ${schemaPath}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  }
  git(['fast-import', '--quiet'], stream);
  git(['reset', '-q', '--hard', 'main']);
  // The pull request: the next version.
  writeFileSync(schemaFile, version(VERSIONS + 1));
  const measure = (): Run => {
    const script = `
      const { validateCatalog } = require(${JSON.stringify(join(__dirname, '..', 'catalog', 'validate'))});
      const phases = new Map();
      const t0 = process.hrtime.bigint();
      const r = validateCatalog(${JSON.stringify(root)}, { codeowners: false, base: 'main', phases });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(JSON.stringify({ ms, errors: r.errorCount, phases: Object.fromEntries(phases) }));
    `;
    return JSON.parse(
      execFileSync(process.execPath, evalArgs(script), { cwd: REPO_ROOT }).toString(),
    ) as Run;
  };
  measure(); // fills the caches, as the previous run of the PR check did
  const runs = [measure(), measure(), measure()];
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const phases = Object.entries(best.phases)
    .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
    .join(', ');
  return [
    `  pull request with --base on ${topics} topics in git, one schema changed with ${VERSIONS} versions of history (BACKWARD_TRANSITIVE): best ${best.ms.toFixed(0)} ms (runs ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms), of which change safety (history read + ${VERSIONS + 1} comparisons) ${(best.phases['change safety'] ?? 0).toFixed(0)} ms, errors ${best.errors}; target < 1000 ms warm`,
    `    best run's phases (ms): ${phases}`,
  ].join('\n');
}
