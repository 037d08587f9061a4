// Reconciler on a private broker (temp dir, free ports; removing it afterwards is the clean-up):
//   - the floor: the same CreateAcls and CreateTopics requests `apply` sends for 1,000 topics and
//     3,001 ACLs, sent raw in as few requests as the broker takes, no planning, no verification;
//   - `apply` from empty of that catalog, in process (with its requests) and as a whole process;
//   - `plan` (no-op) of it as a whole process, and no-op passes over 1,000 and 10,000 topics.
// Targets: apply < 4 s and within 2x of the floor; plan < 0.7 s (the issue's aim: 10x faster than
// every peer, kafka-gitops' 3.4 s: 0.34 s); no-op pass (10,000) < 1 s.
// BENCH_RECONCILE=noop measures only the no-op passes over 10,000 topics (after applying them);
// BENCH_RECONCILE=plan only the no-op `plan` of 1,000 topics as a process (after applying them).
// Between measurements the bench waits for the broker to finish creating the logs of the topics
// before (it does that in the background, for tens of seconds per thousand on a busy machine).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { userPrincipal } from '../catalog/access';
import { REPO_ROOT } from '../shared/repo-root';
import { stackPaths } from '../scripts/local/paths';
import { freePort } from '../scripts/local/ports';
import { localSasl, readAddressBook, readLocalCredentials } from '../shared/local-stack';
import { requestBatches, topicRecords } from '../reconciler/apply/executor';
import type { KafkaAdmin } from '../reconciler/cluster/kafka-admin';
import type { NewTopic } from '../reconciler/cluster/types';
import type { DesiredState } from '../reconciler/state/desired';
import { sleep } from '../reconciler/util/limit';
import { loadLine, processLine, timeCommand } from './processes';
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
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ONLY_NOOP = process.env.BENCH_RECONCILE === 'noop';
const ONLY_PLAN = process.env.BENCH_RECONCILE === 'plan';
const PLAN_TARGET = '< 0.7 s (aim 0.34 s)';

/**
 * Domains `${prefix}${from}` to `${prefix}${to - 1}`, 1,000 topics each; writer produces all
 * (2 ACLs each), reader consumes every other.
 */
function writeCatalog(
  root: string,
  prefix: string,
  from: number,
  to: number,
  topics = TOPICS_PER_DOMAIN,
): void {
  rmSync(join(root, 'topics'), { recursive: true, force: true });
  mkdirSync(join(root, 'topics'), { recursive: true });
  for (let d = from; d < to; d++) {
    const domain = `${prefix}${d}`;
    const spec: DomainSpec = {
      apps: { writer: {}, reader: {} },
      topics: Array.from({ length: topics }, (_, i) => ({
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

/** One enforce pass with the CLI's options, and the CPU this process spent on it (user + system). */
async function pass(
  root: string,
  connection: Connection,
  clients: OpenClients,
): Promise<PassReport & { cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const desired = loadDesired(root, 'local', connection.naming);
  const report = await reconcilePass(desired, clients, { mode: 'enforce' });
  const cpu = process.cpuUsage(cpu0);
  return { ...report, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function line(label: string, r: PassReport & { cpuMs?: number }, extra = ''): void {
  const cpu = r.cpuMs !== undefined ? ` (cpu ${r.cpuMs.toFixed(0)} ms)` : '';
  console.log(
    `  ${label.padEnd(34)} ${String(r.durationMs).padStart(6)} ms${cpu}   ` +
      `${String(r.roundTrips.admin).padStart(4)} Kafka round trips   ${r.counts.commands} commands ` +
      `(${r.counts.failed} failed)   ${r.state}${extra}`,
  );
  const p = r.phases;
  if (p)
    console.log(
      `    read + plan ${p.readMs} ms, writes ${p.writeMs} ms, verification ${p.verifyMs} ms ` +
        `(${p.verifyReads} cluster read${p.verifyReads === 1 ? '' : 's'})`,
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

/** Waits (at most 3 minutes) until the broker has a log directory for every topic of `domain`. */
async function settle(stackRoot: string, domain: string, topics: number): Promise<void> {
  const data = stackPaths(stackRoot).kafkaData;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const logs = readdirSync(data).filter((d) => d.startsWith(`${domain}.`)).length;
    if (logs >= topics) return;
    await sleep(500);
  }
  console.log(`    (the broker had not created every log of ${domain} after 3 minutes)`);
}

/** The same creations `apply` sends, raw: ACLs first, then topics, fewest requests, no checks. */
async function floor(admin: KafkaAdmin, desired: DesiredState): Promise<number> {
  const acls = desired.acls.map(({ app: _app, ...acl }) => acl);
  const topics: NewTopic[] = desired.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    config: t.config,
  }));
  const t0 = performance.now();
  for (const batch of requestBatches(acls, () => 1)) await admin.createAcls(batch);
  for (const batch of requestBatches(topics, topicRecords)) await admin.createTopics(batch);
  return performance.now() - t0;
}

/** A connection file for the CLI: the private broker as its super user, the bench's apps. */
function connectionFile(dir: string, stackRoot: string, domains: string[]): string {
  const book = readAddressBook(stackRoot);
  const sasl = localSasl(readLocalCredentials(book.credentialsFile));
  const file = join(dir, 'connection.json');
  const principals = Object.fromEntries(
    domains.flatMap((d) =>
      ['writer', 'reader'].map((a) => [`${d}/${a}`, userPrincipal(`${d}.${a}`)]),
    ),
  );
  writeFileSync(
    file,
    JSON.stringify({
      bootstrap: book.bootstrap,
      ssl: false,
      sasl,
      registry: { url: book.registryUrl },
      principals,
    }),
    { mode: 0o600 },
  );
  return file;
}

/** A reconciler command on the bench's catalog and private broker, as a user runs it. */
function cliArgs(command: string, catalog: string, connection: string): string[] {
  return [
    'reconciler/cli.ts',
    command,
    '--env',
    'local',
    '--root',
    catalog,
    '--connection',
    connection,
  ];
}

/** The no-op `plan` as a process, with and without the launcher's code cache. */
function planProcess(args: string[]): void {
  const planned = timeCommand(args, { runs: RUNS });
  console.log(processLine('plan --env local, no-op, 1,000 topics', planned, PLAN_TARGET));
  if (planned.exitCodes.some((c) => c !== 0)) console.log(`    ${planned.stderr.trim()}`);
  const uncached = timeCommand(args, {
    runs: RUNS,
    env: { ...process.env, STREAMPLANE_CODE_CACHE: 'off' },
  });
  console.log(processLine('  the same without the code cache', uncached, '(informative)'));
}

/** Only the no-op `plan` of 1,000 topics and 3,001 ACLs as a process (BENCH_RECONCILE=plan). */
async function planOnly(
  stackRoot: string,
  catalog: string,
  connection: Connection,
  clients: OpenClients,
): Promise<void> {
  writeCatalog(catalog, 'bench', 1, 2);
  const applied = await pass(catalog, connection, clients);
  const desired = loadDesired(catalog, 'local', connection.naming);
  console.log(
    `  catalog: ${desired.topics.length} topics, ${desired.acls.length} ACLs (applied: ${applied.state})`,
  );
  await settle(stackRoot, 'bench1', TOPICS_PER_DOMAIN);
  const conn = connectionFile(catalog, stackRoot, ['bench1']);
  planProcess(cliArgs('plan', catalog, conn));
}

/** Floor, apply from empty (in process and as a process), no-op plan and pass of 1,000 topics. */
async function applyAndPlan(
  stackRoot: string,
  catalog: string,
  connection: Connection,
  clients: OpenClients,
): Promise<void> {
  writeCatalog(catalog, 'floor', 0, 1);
  const floorMs = await floor(clients.admin, loadDesired(catalog, 'local', connection.naming));
  await settle(stackRoot, 'floor0', TOPICS_PER_DOMAIN);

  writeCatalog(catalog, 'bench', 0, 1);
  const desired = loadDesired(catalog, 'local', connection.naming);
  console.log(`  catalog: ${desired.topics.length} topics, ${desired.acls.length} ACLs`);
  console.log(
    `  floor: the same CreateAcls + CreateTopics, raw      ${floorMs.toFixed(0).padStart(6)} ms`,
  );
  const before = clients.admin.roundTrips.snapshot();
  const fromEmpty = await pass(catalog, connection, clients);
  line(
    'apply from empty, in process',
    fromEmpty,
    `   ${(fromEmpty.durationMs / floorMs).toFixed(1)}x floor (target < 4000 ms, <= 2x)`,
  );
  const after = clients.admin.roundTrips.snapshot();
  const byApi = Object.entries(after.byApi)
    .map(([api, n]) => `${api} ${n - (before.byApi[api] ?? 0)}`)
    .join(', ');
  console.log(`    requests by API: ${byApi}`);
  await settle(stackRoot, 'bench0', TOPICS_PER_DOMAIN);

  // The commands as users run them: whole processes, through the CLI and a connection file.
  writeCatalog(catalog, 'bench', 1, 2);
  const conn = connectionFile(catalog, stackRoot, ['bench1']);
  const cli = (command: string): string[] => cliArgs(command, catalog, conn);
  const applied = timeCommand(cli('apply'), { runs: 1, warmup: false });
  console.log(
    processLine('apply --env local from empty, process', applied, '< 4 s, <= 2x floor') +
      `   ${((applied.median * 1000) / floorMs).toFixed(1)}x floor`,
  );
  if (applied.exitCodes[0] !== 0) console.log(`    ${applied.stderr.trim()}`);
  // The CLI's last line: its pass's phases (the rest of the process is start-up and catalog).
  const phases = /; (read \d+ ms, writes .*)\)$/m.exec(applied.stdout)?.[1];
  if (phases) console.log(`    in the process: ${phases}`);
  await settle(stackRoot, 'bench1', TOPICS_PER_DOMAIN);
  planProcess(cli('plan'));
  line(
    'no-op pass, 1,000 topics, in process',
    await pass(catalog, connection, clients),
    '   target < 1000 ms',
  );
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
      console.log(`reconcile: private local broker (Kafka 3.9, KRaft, SCRAM, ACLs); ${loadLine()}`);

      // A fresh broker (and client) is slow on its first large requests: warm both up first.
      writeCatalog(catalog, 'warm', 0, 1, 200);
      await pass(catalog, connection, clients);
      await settle(stackRoot, 'warm0', 200);

      if (ONLY_PLAN) {
        await planOnly(stackRoot, catalog, connection, clients);
        return;
      }
      if (!ONLY_NOOP) await applyAndPlan(stackRoot, catalog, connection, clients);

      const domains = Number(process.env.BENCH_DOMAINS ?? 10);
      writeCatalog(catalog, 'bench', 1, domains + 1);
      const more = ONLY_NOOP ? domains : domains - 1;
      line(`apply ${more},000 more topics`, await pass(catalog, connection, clients));
      // Level-triggered passes until one finds nothing to do, then the no-op pass.
      for (let i = 0; i < 10; i++) {
        const r = await pass(catalog, connection, clients);
        line(`  converging, pass ${i + 1}`, r);
        if (r.counts.commands === 0 && !r.error) break;
      }
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await pass(catalog, connection, clients));
      const best = runs.reduce((a, b) => (a.durationMs <= b.durationMs ? a : b));
      line(`no-op pass, ${domains},000 topics (best/3)`, best, '   target < 1000 ms');
      console.log(`    runs: ${runs.map((r) => r.durationMs).join(', ')} ms; ${loadLine()}`);
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
