// Reconciler: from empty, 1,000 topics and 3,000 ACLs; then no-op passes over 1,000 and 10,000
// topics. Target: the no-op pass under 2 s, with round trips that do not grow with topic count.
// Runs on a private broker (temp dir, free ports) so the shared stack is never loaded or dirtied;
// removing that broker afterwards is the clean-up.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../shared/repo-root';
import { freePort } from '../scripts/local/ports';
import { down, up } from '../scripts/local/stack';
import { loadDesired } from '../reconciler/catalog-source';
import { openClients } from '../reconciler/cluster/clients';
import type { OpenClients } from '../reconciler/cluster/clients';
import { localConnection } from '../reconciler/cluster/connection';
import type { Connection } from '../reconciler/cluster/connection';
import { reconcilePass } from '../reconciler/reconcile';
import type { PassReport } from '../reconciler/reconcile';
import type { DomainSpec } from '../test/support/reconciler-fixture';
import { domainYaml } from '../test/support/reconciler-fixture';

const TOPICS_PER_DOMAIN = 1000;

/** `domains` × 1,000 topics; writer produces all (2 ACLs each), reader consumes every other. */
function writeCatalog(root: string, domains: number): void {
  rmSync(join(root, 'topics'), { recursive: true, force: true });
  mkdirSync(join(root, 'topics'), { recursive: true });
  for (let d = 0; d < domains; d++) {
    const domain = `bench${d}`;
    const spec: DomainSpec = {
      apps: { writer: {}, reader: {} },
      topics: Array.from({ length: TOPICS_PER_DOMAIN }, (_, i) => ({
        key: `t${i}`,
        partitions: 1,
        retention: '1d',
        producers: ['writer'],
        ...(i % 2 === 0 ? { consumers: ['reader'] } : {}),
      })),
    };
    writeFileSync(join(root, 'topics', `${domain}.yaml`), domainYaml(domain, spec));
  }
}

async function pass(
  root: string,
  connection: Connection,
  clients: OpenClients,
): Promise<PassReport> {
  const desired = loadDesired(root, 'local', connection.principalOf);
  return reconcilePass(desired, clients, { mode: 'enforce', batchSize: 500, concurrency: 4 });
}

function line(label: string, r: PassReport, extra = ''): void {
  console.log(
    `  ${label.padEnd(34)} ${String(r.durationMs).padStart(6)} ms   ` +
      `${String(r.roundTrips.admin).padStart(4)} Kafka round trips   ${r.counts.commands} commands ` +
      `(${r.counts.failed} failed)   ${r.state}${extra}`,
  );
  if (r.error) console.log(`    error: ${r.error}`);
  const left = r.remaining?.commands ?? [];
  if (left.length) {
    const kinds = new Map<string, number>();
    for (const c of left) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    console.log(
      `    still planned after applying: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  }
}

function brokerTail(stackRoot: string): void {
  try {
    const log = readFileSync(join(stackRoot, 'logs', 'kafka.log'), 'utf8');
    const errors = log
      .split('\n')
      .filter((l) => /ERROR|FATAL|Exception|Error:|OutOfMemory/.test(l));
    console.log(`  broker log errors (last 5):\n${errors.slice(-5).join('\n')}`);
  } catch {
    // No log: nothing to add.
  }
}

export async function run(): Promise<void> {
  const stackRoot = mkdtempSync(join(tmpdir(), 'streamplane-bench-reconcile-'));
  const catalog = mkdtempSync(join(tmpdir(), 'streamplane-bench-catalog-'));
  // Only the local environment: the cloud environments' capacity rules would (rightly) refuse
  // 10,000 topics on a basic cluster.
  const platform = parse(readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8')) as {
    environments: Record<string, unknown>;
  };
  platform.environments = { local: platform.environments.local };
  writeFileSync(join(catalog, 'platform.yaml'), stringify(platform));
  mkdirSync(join(catalog, 'schemas'), { recursive: true });
  try {
    const ports = {
      kafka: await freePort(),
      controller: await freePort(),
      registry: await freePort(),
    };
    // A whole private stack (broker and registry), so the bench needs nothing else running; 10,000
    // topics need more than the local stack's everyday 512 MiB heap.
    await up({ root: stackRoot, ports, kafkaHeapMb: 2048 });
    const connection = localConnection({ stackRoot });
    const clients = await openClients(connection);
    try {
      console.log('reconcile: private local broker (Kafka 3.9, KRaft, SCRAM, ACLs)');
      writeCatalog(catalog, 1);
      const desired = loadDesired(catalog, 'local', connection.principalOf);
      console.log(`  catalog: ${desired.topics.length} topics, ${desired.acls.length} ACLs`);
      const before = clients.admin.roundTrips.snapshot();
      const fromEmpty = await pass(catalog, connection, clients);
      line('apply from empty', fromEmpty);
      const after = clients.admin.roundTrips.snapshot();
      const byApi = Object.entries(after.byApi)
        .map(([api, n]) => `${api} ${n - (before.byApi[api] ?? 0)}`)
        .join(', ');
      console.log(`    requests by API: ${byApi}`);
      line(
        'no-op pass, 1,000 topics',
        await pass(catalog, connection, clients),
        '   target < 2000 ms',
      );

      const domains = Number(process.env.BENCH_DOMAINS ?? 10);
      writeCatalog(catalog, domains);
      line(`apply ${domains - 1},000 more topics`, await pass(catalog, connection, clients));
      // A single broker creates thousands of partitions slowly: let it catch up (level-triggered
      // passes until one finds nothing to do), then measure the no-op pass.
      for (let i = 0; i < 10; i++) {
        const r = await pass(catalog, connection, clients);
        line(`  converging, pass ${i + 1}`, r);
        if (r.counts.commands === 0 && !r.error) break;
      }
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await pass(catalog, connection, clients));
      const best = runs.reduce((a, b) => (a.durationMs <= b.durationMs ? a : b));
      line(`no-op pass, ${domains},000 topics (best/3)`, best, '   target < 2000 ms');
      console.log(`    runs: ${runs.map((r) => r.durationMs).join(', ')} ms`);
      if (runs.some((r) => r.error)) brokerTail(stackRoot);
    } finally {
      await clients.close();
    }
  } catch (err) {
    console.log(`  failed: ${(err as Error).message}`);
    brokerTail(stackRoot);
  } finally {
    await down({ root: stackRoot });
    rmSync(stackRoot, { recursive: true, force: true });
    rmSync(catalog, { recursive: true, force: true });
  }
}
