// The lean read path (reconciler/cluster/lean-admin.ts) on the real local stack: it reads what
// kafkajs reads (topics, the topics' own configs, every ACL), reading ahead changes nothing, a
// failure is reported in kafkajs' words, and `plan` as a whole process (reading the cluster while
// it loads its catalog) prints exactly the plan kafkajs' reads give, drift included.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDesired } from '../../reconciler/catalog-source';
import { connectionFor, localConnection } from '../../reconciler/cluster/connection';
import type { Connection } from '../../reconciler/cluster/connection';
import { KafkajsAdmin } from '../../reconciler/cluster/kafka-admin';
import { LeanAdmin } from '../../reconciler/cluster/lean-admin';
import { HttpSchemaRegistry } from '../../reconciler/cluster/registry';
import type { AclBinding, NewTopic } from '../../reconciler/cluster/types';
import { renderPlan } from '../../reconciler/plan/render';
import { readAndPlan, reconcilePass } from '../../reconciler/reconcile';
import { REPO_ROOT } from '../../shared/repo-root';
import { allowBinding } from '../support/acl';
import { catalogFixture, removeDomainResources } from '../support/reconciler-fixture';
import { until } from '../support/wait';
import type { DomainSpec, Fixture } from '../support/reconciler-fixture';

jest.setTimeout(120_000);

const connection = localConnection();
const sasl = connection.kafka.sasl as { mechanism: string; username: string; password: string };

/** The reconciler's command line as a whole process. */
const cli = (args: string[]) =>
  spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'scripts', 'run.cjs'), 'reconciler/cli.ts', ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
const byKey = (a: AclBinding): string => JSON.stringify(a);
const sortAcls = (acls: AclBinding[]): AclBinding[] =>
  [...acls].sort((x, y) => (byKey(x) < byKey(y) ? -1 : 1));

describe('the lean read path', () => {
  let fx: Fixture;
  let kafkajs: KafkajsAdmin;
  const spec: DomainSpec = {
    apps: { writer: {}, reader: {} },
    topics: [
      { key: 'a', partitions: 3, retention: '2d', producers: ['writer'], consumers: ['reader'] },
      { key: 'b', partitions: 1, cleanupPolicy: 'compact', producers: ['writer'] },
      { key: 'c', partitions: 2, config: { 'max.message.bytes': 2_000_000 } },
    ],
  };
  // What the catalog does not say: drift and bindings of every shape kafkajs maps.
  const extra = (): AclBinding[] => [
    allowBinding(fx.principal('reader'), 'TOPIC', fx.topic('b'), 'READ'),
    { ...allowBinding(fx.principal('intruder'), 'TOPIC', `${fx.domain}.`, 'ALL', 'PREFIXED') },
    { ...allowBinding(fx.principal('reader'), 'GROUP', `${fx.domain}.`, 'READ', 'PREFIXED') },
    { ...allowBinding(fx.principal('writer'), 'TRANSACTIONAL_ID', `${fx.domain}.tx`, 'WRITE') },
    {
      ...allowBinding(fx.principal('writer'), 'TOPIC', fx.topic('a'), 'DESCRIBE'),
      host: '10.1.2.3',
    },
    {
      ...allowBinding(fx.principal('reader'), 'TOPIC', fx.topic('a'), 'WRITE'),
      permission: 'DENY',
    },
  ];

  beforeAll(async () => {
    fx = catalogFixture();
    fx.write(spec);
    kafkajs = new KafkajsAdmin(connection.kafka);
    await kafkajs.connect();
    const registry = new HttpSchemaRegistry(connection.registry);
    const applied = await reconcilePass(
      loadDesired(fx.root, 'local', connection.naming),
      { admin: kafkajs, registry },
      { mode: 'enforce' },
    );
    expect(applied.state).toBe('succeeded');
    expect(await kafkajs.createAcls(extra())).toEqual(extra().map(() => undefined));
    // Drift: another retention on a, a topic the catalog does not have, c missing its config.
    expect(
      await kafkajs.alterTopicConfigs([
        { topic: fx.topic('a'), config: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' } },
        { topic: fx.topic('c'), config: {} },
      ]),
    ).toEqual([undefined, undefined]);
    await kafkajs.createTopics([
      { name: fx.topic('stray'), partitions: 1, replicationFactor: 1, config: {} },
    ]);
  });

  afterAll(async () => {
    await removeDomainResources(kafkajs, fx.domain);
    await kafkajs.disconnect();
    fx.cleanup();
  });

  test('reads the topics, their configs and every ACL as kafkajs does', async () => {
    for (const splitFrom of [1, 200]) {
      const lean = new LeanAdmin(connection.kafka, { splitFrom });
      await lean.connect();
      try {
        const [topics, expected] = await Promise.all([
          lean.describeTopics(),
          kafkajs.describeTopics(),
        ]);
        const byName = (t: { name: string }[]) => [...t].sort((x, y) => (x.name < y.name ? -1 : 1));
        expect(byName(topics)).toEqual(byName(expected));
        const names = topics.map((t) => t.name).filter((n) => !n.startsWith('_'));
        expect(await lean.describeTopicConfigs(names)).toEqual(
          await kafkajs.describeTopicConfigs(names),
        );
        const ours = names.filter((n) => n.startsWith(`${fx.domain}.`));
        expect(ours).toHaveLength(4);
        const sent = lean.roundTrips.byApi.DescribeConfigs ?? 0;
        expect(await lean.describeTopicConfigs(ours)).toEqual(
          await kafkajs.describeTopicConfigs(ours),
        );
        // Four topics: split over both connections only when told to split from one.
        expect((lean.roundTrips.byApi.DescribeConfigs ?? 0) - sent).toBe(splitFrom === 1 ? 2 : 1);
        expect(sortAcls(await lean.describeAcls())).toEqual(sortAcls(await kafkajs.describeAcls()));
        // A filtered read is kafkajs' own.
        const filter = { principal: fx.principal('reader') };
        expect(sortAcls(await lean.describeAcls(filter))).toEqual(
          sortAcls(await kafkajs.describeAcls(filter)),
        );
      } finally {
        await lean.disconnect();
      }
    }
  });

  test('reading ahead gives the same answers, and the configs a guess missed', async () => {
    const lean = new LeanAdmin(connection.kafka);
    await lean.connectLean();
    // A guess that covers topic a only: b, c and stray are described when asked for.
    await lean.readAhead([fx.topic('a')]);
    try {
      const topics = await lean.describeTopics();
      const ours = topics.map((t) => t.name).filter((n) => n.startsWith(`${fx.domain}.`));
      expect(ours.sort()).toEqual(['a', 'b', 'c', 'stray'].map((k) => fx.topic(k)).sort());
      expect(await lean.describeTopicConfigs(ours)).toEqual(
        await kafkajs.describeTopicConfigs(ours),
      );
      expect(sortAcls(await lean.describeAcls())).toEqual(sortAcls(await kafkajs.describeAcls()));
      // The registry's subjects, read ahead the same way.
      const registry = new HttpSchemaRegistry(connection.registry);
      registry.readAhead();
      expect(registry.requests).toBe(0); // counted when taken
      const subjects = await registry.listSubjects();
      expect(registry.requests).toBe(1);
      expect(subjects.sort()).toEqual(
        (await new HttpSchemaRegistry(connection.registry).listSubjects()).sort(),
      );
      await registry.listSubjects();
      expect(registry.requests).toBe(2);
      // What was read ahead counts when taken: one Metadata, one DescribeAcls, and the
      // DescribeConfigs of the guess and of what it missed.
      expect(lean.roundTrips.byApi).toMatchObject({
        Metadata: 1,
        DescribeAcls: 1,
        DescribeConfigs: 2,
      });
      // Taken once: the next reads ask the broker again.
      const before = lean.roundTrips.total;
      await lean.describeTopics();
      expect(lean.roundTrips.total).toBe(before + 1);
    } finally {
      await lean.disconnect();
    }
  });

  test('creates topics and ACLs as kafkajs does; a refused item is sent again and worded by kafkajs', async () => {
    const lean = new LeanAdmin(connection.kafka);
    await lean.connect();
    try {
      // New topics with configs, and one that exists: created, as kafkajs counts it.
      const made: NewTopic[] = [
        {
          name: fx.topic('d'),
          partitions: 2,
          replicationFactor: 1,
          config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
        },
        { name: fx.topic('e'), partitions: 1, replicationFactor: 1, config: {} },
        { name: fx.topic('a'), partitions: 3, replicationFactor: 1, config: {} },
      ];
      expect(await lean.createTopics(made)).toEqual([undefined, undefined, undefined]);
      const bindings: AclBinding[] = [
        allowBinding(fx.principal('maker'), 'TOPIC', fx.topic('d'), 'WRITE'),
        allowBinding(fx.principal('maker'), 'GROUP', `${fx.domain}.maker`, 'READ', 'PREFIXED'),
        allowBinding(fx.principal('maker'), 'TRANSACTIONAL_ID', `${fx.domain}.tx2`, 'WRITE'),
        {
          ...allowBinding(fx.principal('maker'), 'TOPIC', fx.topic('e'), 'READ'),
          host: '10.0.0.9',
        },
        {
          ...allowBinding(fx.principal('maker'), 'TOPIC', fx.topic('e'), 'WRITE'),
          permission: 'DENY',
        },
      ];
      expect(await lean.createAcls(bindings)).toEqual(bindings.map(() => undefined));
      // Both through the wire connections: kafkajs was not needed.
      expect(lean.roundTrips.byApi).toMatchObject({ CreateTopics: 1, CreateAcls: 1 });
      expect(lean.roundTrips.byApi.ApiVersions ?? 0).toBe(2); // the lean pair's own, no more

      // What kafkajs reads back is what was asked for.
      await until(async () => {
        const topics = await kafkajs.describeTopics();
        return ['d', 'e'].every((k) => topics.some((t) => t.name === fx.topic(k)));
      });
      const topics = await kafkajs.describeTopics();
      expect(topics.find((t) => t.name === fx.topic('d'))?.partitions).toBe(2);
      expect((await kafkajs.describeTopicConfigs([fx.topic('d')])).get(fx.topic('d'))).toEqual({
        'cleanup.policy': 'compact',
        'min.compaction.lag.ms': '60000',
      });
      const keys = new Set(bindings.map(byKey));
      await until(
        async () =>
          (await kafkajs.describeAcls()).filter((a) => keys.has(byKey(a))).length ===
          bindings.length,
      );

      // A refused topic: the batch goes to kafkajs, which words the refusal as it always has.
      const refused = { name: fx.topic('f'), partitions: 1, replicationFactor: 3, config: {} };
      const [expected] = await kafkajs.createTopics([refused]);
      expect(expected?.code).toBe('INVALID_REPLICATION_FACTOR');
      const fine = { name: fx.topic('g'), partitions: 1, replicationFactor: 1, config: {} };
      expect(await lean.createTopics([refused, fine])).toEqual([expected, undefined]);
      expect(lean.roundTrips.byApi.CreateTopics).toBe(3); // lean, then kafkajs
      await until(async () => (await kafkajs.describeTopics()).some((t) => t.name === fine.name));
    } finally {
      await lean.disconnect();
    }
  });

  test('a closed port is reported in kafkajs words, and reading ahead gives up quietly', async () => {
    const closed = { ...connection.kafka, brokers: ['127.0.0.1:1'] };
    const viaKafkajs = await new KafkajsAdmin(closed).connect().then(
      () => 'connected',
      (err: Error) => err.message,
    );
    const lean = new LeanAdmin(closed);
    const viaLean = await lean.connect().then(
      () => 'connected',
      (err: Error) => err.message,
    );
    await lean.disconnect();
    expect(viaLean).toBe(viaKafkajs);
    const ahead = new LeanAdmin(closed);
    const opened = ahead.connectLean();
    await ahead.readAhead(['x.']);
    expect(await opened).toBe(false);
    await ahead.disconnect();
  });

  test('plan as a process prints the plan kafkajs reads give, with a file connection too', async () => {
    const planOf = async (c: Connection) =>
      (
        await readAndPlan(loadDesired(fx.root, 'local', c.naming), {
          admin: kafkajs,
          registry: new HttpSchemaRegistry(c.registry),
        })
      ).plan;
    const file = join(fx.root, 'connection.json');
    const book = connectionFor('local');
    writeFileSync(
      file,
      JSON.stringify({
        bootstrap: book.kafka.brokers.join(','),
        ssl: false,
        sasl: book.kafka.sasl,
        registry: { url: book.registry.url },
        principals: Object.fromEntries(
          ['writer', 'reader'].map((a) => [`${fx.domain}/${a}`, fx.principal(a)]),
        ),
      }),
      { mode: 0o600 },
    );
    try {
      for (const viaFile of [false, true]) {
        const plan = await planOf(
          viaFile ? connectionFor('confluent-cloud', { connectionFile: file }) : connection,
        );
        expect(plan.inSync).toBe(false);
        for (const format of ['human', 'json', 'markdown'] as const) {
          const run = cli([
            'plan',
            '--env',
            'local',
            '--root',
            fx.root,
            '--format',
            format,
            ...(viaFile ? ['--connection', file] : []),
          ]);
          expect({ code: run.status, stderr: run.stderr }).toEqual({ code: 2, stderr: '' });
          expect(run.stdout).toBe(renderPlan(plan, format, { color: false }));
        }
      }
      // A refused password: kafkajs' message, exit 1, no trace and no secret.
      const refused = {
        ...JSON.parse(readFileSync(file, 'utf8')),
        sasl: { ...sasl, password: 'nope-secret' },
      };
      writeFileSync(file, JSON.stringify(refused), { mode: 0o600 });
      const run = cli(['plan', '--env', 'local', '--root', fx.root, '--connection', file]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /^cannot connect to Kafka \(.*\): SASL SCRAM SHA512 authentication failed/,
      );
      expect(run.stderr).not.toMatch(/nope-secret|\n\s+at /);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
