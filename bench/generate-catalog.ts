// A large, valid catalog for benchmarks: `domains` domains × `topics` topics, each topic with
// its own Avro value schema (every fifth one referencing a shared type), cross-domain consumers.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../shared/repo-root';

export interface GeneratedCatalog {
  readonly root: string;
  readonly domains: number;
  readonly topics: number;
}

export function generateCatalog(
  domains = 200,
  topicsPerDomain = 50,
  repoRoot = REPO_ROOT,
): GeneratedCatalog {
  const root = mkdtempSync(join(tmpdir(), 'streamplane-bench-'));
  const platform = readPlatform(repoRoot);
  writeFileSync(join(root, 'platform.yaml'), platform);
  mkdirSync(join(root, 'topics'));
  for (let d = 0; d < domains; d++) {
    const domain = `domain-${d}`;
    const ns = `com.acme.domain_${d}`;
    mkdirSync(join(root, 'schemas', domain, 'types'), { recursive: true });
    writeFileSync(
      join(root, 'schemas', domain, 'types', 'money.avsc'),
      JSON.stringify({
        type: 'record',
        name: 'Money',
        namespace: `${ns}.types`,
        fields: [
          { name: 'amountMinor', type: 'long' },
          { name: 'currency', type: 'string' },
        ],
      }),
    );
    const topics: Record<string, unknown> = {};
    for (let t = 0; t < topicsPerDomain; t++) {
      const name = `event-${t}`;
      const fields: unknown[] = [
        { name: 'id', type: 'string' },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'count', type: 'int' },
        { name: 'note', type: ['null', 'string'], default: null },
      ];
      if (t % 5 === 0) fields.push({ name: 'amount', type: `${ns}.types.Money` });
      writeFileSync(
        join(root, 'schemas', domain, `${name}.avsc`),
        JSON.stringify({ type: 'record', name: `Event${t}`, namespace: ns, fields }, null, 2),
      );
      topics[name] = {
        description: `Event ${t} of ${domain}`,
        partitions: 1 + (t % 6),
        retention: `${1 + (t % 30)}d`,
        schema: { value: `${name}.avsc`, key: 'string' },
        producers: ['writer'],
        consumers: ['reader', `domain-${(d + 1) % domains}/reader`],
        environments: { dev: { partitions: 1 } },
      };
    }
    writeFileSync(
      join(root, 'topics', `${domain}.yaml`),
      stringify({
        domain,
        description: `Generated domain ${d}`,
        owners: { team: `@acme/team-${d}` },
        apps: { writer: { description: 'Writes events' }, reader: { description: 'Reads events' } },
        topics,
      }),
    );
  }
  return { root, domains, topics: domains * topicsPerDomain };
}

/** The sample platform file with capacity raised: a benchmark measures speed, not policy. */
function readPlatform(repoRoot: string): string {
  return readFileSync(join(repoRoot, 'platform.yaml'), 'utf8').replace(
    /(basic|standard|dedicated): \{ partitions: \d+, acls: \d+ \}/g,
    '$1: { partitions: 100000, acls: 100000 }',
  );
}
