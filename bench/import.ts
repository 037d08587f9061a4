// `npm run bench -- import`: an import of 10,000 topics and 30,500 ACLs (100 domains of 100
// topics; each topic with a producer, every other one with a consumer) from cluster state made
// in memory, through the importer's own mapping and writing (importLive: the code the CLI runs
// after reading the cluster), into an empty catalog directory. Target: under 5 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../catalog/loader';
import { ensurePlatformFile, importLive } from '../importer/import';
import type { LiveState, LiveTopic } from '../importer/live';
import type { AclBinding } from '../reconciler/cluster/types';
import { userPrincipal } from '../catalog/access';
import { allowBinding } from '../test/support/acl';

const DOMAINS = 100;
const TOPICS_PER_DOMAIN = 100;
const APPS_PER_DOMAIN = 5;
const RUNS = 3;

export function liveState(): LiveState {
  const topics: LiveTopic[] = [];
  const acls: AclBinding[] = [];
  const acl = allowBinding;
  for (let d = 0; d < DOMAINS; d++) {
    const domain = `domain${d}`;
    const app = (i: number): string => userPrincipal(`${domain}.app${i % APPS_PER_DOMAIN}`);
    for (let t = 0; t < TOPICS_PER_DOMAIN; t++) {
      const name = `${domain}.topic${t}.v1`;
      topics.push({
        name,
        partitions: 1 + (t % 6),
        replicationFactor: 3,
        config: {
          'cleanup.policy': t % 10 === 0 ? 'compact' : 'delete',
          'retention.ms': String((1 + (t % 14)) * 86_400_000),
          'min.insync.replicas': '2',
        },
      });
      acls.push(acl(app(t), 'TOPIC', name, 'WRITE'), acl(app(t), 'TOPIC', name, 'DESCRIBE'));
      if (t % 2 === 0) {
        const reader = app(t + 1);
        acls.push(acl(reader, 'TOPIC', name, 'READ'), acl(reader, 'TOPIC', name, 'DESCRIBE'));
      }
    }
    for (let a = 0; a < APPS_PER_DOMAIN; a++)
      acls.push(acl(app(a), 'GROUP', `${domain}.app${a}.`, 'READ', 'PREFIXED'));
  }
  return { topics, acls, subjectNames: [], subjects: new Map() };
}

function once(live: LiveState): { ms: number; files: number; findings: number } {
  const out = mkdtempSync(join(tmpdir(), 'streamplane-bench-import-'));
  try {
    ensurePlatformFile(out);
    const existing = loadCatalog(out).model;
    if (!existing) throw new Error('platform.yaml does not load');
    const start = performance.now();
    const r = importLive(live, { environment: 'dev', out, existing });
    const ms = performance.now() - start;
    return { ms, files: r.files.length, findings: r.report.findings.length };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const live = liveState();
  const runs = Array.from({ length: RUNS }, () => once(live)).sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(RUNS / 2)] as (typeof runs)[number];
  console.log(
    `import: ${live.topics.length} topics, ${live.acls.length} ACLs → ${median.files} files, ${median.findings} report lines; target < 5000 ms`,
  );
  console.log(
    `  map + write: min ${Math.round(runs[0]?.ms ?? 0)} ms, median ${Math.round(median.ms)} ms (${RUNS} runs)`,
  );
  await Promise.resolve();
}
