// Access boundaries on the real local broker, checked with a plain kafkajs client (not the client
// app, whose own checks would refuse first): an app's group prefix ends at a separator, so it
// cannot use the groups of an app whose name extends its own; old separator-less prefixes are
// migrated add-then-remove in one pass; an app removed from the catalog loses every ACL and its
// local user.
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { openClients } from '../../reconciler/cluster/clients';
import type { Connection } from '../../reconciler/cluster/connection';
import { localConnection } from '../../reconciler/cluster/connection';
import type { AclBinding } from '../../reconciler/cluster/types';
import { applyPlan } from '../../reconciler/apply/executor';
import { loadDesired } from '../../reconciler/catalog-source';
import { readAndPlan, reconcilePass } from '../../reconciler/reconcile';
import { loadCatalog } from '../../catalog/loader';
import { renderPlan } from '../../reconciler/plan/render';
import { localUsers } from '../../scripts/local/principals';
import { up } from '../../scripts/local/stack';
import { credentials, groupCoordinatorReady, kafkaAs, localStack } from '../support/local';
import { until } from '../support/wait';
import type { DomainSpec, Fixture } from '../support/reconciler-fixture';
import { catalogFixture, removeDomainResources, uniqueDomain } from '../support/reconciler-fixture';
import { userPrincipal } from '../../catalog/access';
import { allowBinding } from '../support/acl';

const spec = (): DomainSpec => ({
  apps: { svc: {}, 'svc-reports': {} },
  topics: [{ key: 'events', partitions: 1, producers: ['svc'], consumers: ['svc', 'svc-reports'] }],
});

describe('access boundaries', () => {
  let fx: Fixture;
  let connection: Connection;
  let clients: OpenClients;
  const user = (app: string): string => `${fx.domain}.${app}`;
  const desired = () => loadDesired(fx.root, 'local', connection.naming);
  const mine = async (): Promise<AclBinding[]> =>
    (await clients.admin.describeAcls()).filter((a) =>
      a.principal.startsWith(`User:${fx.domain}.`),
    );

  /** The first message `app` reads in `group`, from the beginning; rejects when denied. */
  async function readOne(app: string, group: string): Promise<string> {
    const consumer = kafkaAs(user(app), {
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).consumer({
      groupId: group,
      retry: { retries: 0 },
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [fx.topic('events')], fromBeginning: true });
      return await new Promise<string>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        consumer
          .run({ eachMessage: async ({ message }) => resolve(String(message.value)) })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
  }

  /**
   * Joins `group` as `app` and reads the topic; resolves once in the group, rejects when denied
   * with the broker's error codes (kafkajs reports a denied FindCoordinator only in its log).
   */
  async function join(app: string, group: string): Promise<void> {
    const codes = new Set<string>();
    const kafka = kafkaAs(user(app), {
      retry: { retries: 0 },
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry) => {
        const type = (entry.log.error as { type?: unknown } | undefined)?.type;
        if (typeof type === 'string') codes.add(type);
      },
    });
    const consumer: Consumer = kafka.consumer({ groupId: group, retry: { retries: 0 } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [fx.topic('events')], fromBeginning: true });
      const joined = new Promise<void>((resolve) =>
        consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
      );
      const crashed = new Promise<never>((_, reject) =>
        consumer.on(consumer.events.CRASH, (e) =>
          reject(new Error(`${e.payload.error.message} [${[...codes].join(', ')}]`)),
        ),
      );
      await consumer.run({ eachMessage: async () => undefined });
      await Promise.race([joined, crashed]);
    } finally {
      await consumer.disconnect();
    }
  }

  beforeAll(async () => {
    fx = catalogFixture(uniqueDomain('itaccess'));
    fx.write(spec());
    await up({
      principals: [
        { domain: fx.domain, app: 'svc' },
        { domain: fx.domain, app: 'svc-reports' },
      ],
    });
    connection = localConnection();
    clients = await openClients(connection);
    await groupCoordinatorReady();
  }, 120_000);

  afterAll(async () => {
    await removeDomainResources(clients.admin, fx.domain);
    await clients.admin.deleteAcls(await mine());
    await clients.close();
    fx.cleanup();
  });

  it('migrates a separator-less group prefix in one pass: the new ACL is added before the old goes', async () => {
    const old = allowBinding(userPrincipal(user('svc')), 'GROUP', user('svc'), 'READ', 'PREFIXED');
    await clients.admin.createAcls([old]);
    const { plan } = await readAndPlan(desired(), clients);
    const acls = plan.commands.filter((c) => c.kind === 'CreateAcl' || c.kind === 'DeleteAcl');
    const created = acls.findIndex(
      (c) => c.kind === 'CreateAcl' && c.acl.resourceName === `${user('svc')}.`,
    );
    const deleted = acls.findIndex(
      (c) => c.kind === 'DeleteAcl' && c.acl.resourceName === user('svc'),
    );
    expect(created).toBeGreaterThanOrEqual(0);
    expect(deleted).toBeGreaterThan(created);
    // Every add before any removal.
    const kinds = acls.map((c) => c.kind);
    expect(kinds.lastIndexOf('CreateAcl')).toBeLessThan(kinds.indexOf('DeleteAcl'));

    const report = await reconcilePass(desired(), clients, { mode: 'enforce' });
    expect(report.state).toBe('succeeded');
    expect(report.remaining?.inSync).toBe(true);
    const groups = (await mine()).filter((a) => a.resourceType === 'GROUP');
    expect(groups.map((a) => `${a.principal} ${a.resourceName}`).sort()).toEqual([
      `User:${user('svc')} ${user('svc')}.`,
      `User:${user('svc-reports')} ${user('svc-reports')}.`,
    ]);
  }, 60_000);

  it('removes no ACL when an ACL to add failed, so access is never lost half-way', async () => {
    const kept = allowBinding(
      userPrincipal(user('svc')),
      'TRANSACTIONAL_ID',
      `${user('svc')}.kept`,
      'DESCRIBE',
    );
    await clients.admin.createAcls([kept]);
    // The broker refuses a principal without a type: a real failed add.
    const refused: AclBinding = { ...kept, principal: 'no-type', resourceName: user('svc') };
    const results = await applyPlan(
      {
        environment: 'local',
        commands: [
          { id: 'c1', kind: 'CreateAcl', resource: 'acl refused', acl: refused },
          { id: 'c2', kind: 'DeleteAcl', resource: 'acl kept', acl: kept, reason: 'not-granted' },
        ],
        refusals: [],
        unmanaged: [],
        drift: 2,
        inSync: false,
      },
      clients,
      { retry: { retries: 0, backoffMs: 1, maxBackoffMs: 1 } },
    );
    expect(results.map((r) => [r.id, r.outcome])).toEqual([
      ['c1', 'failed'],
      ['c2', 'skipped'],
    ]);
    expect((await mine()).map((a) => a.resourceName)).toContain(kept.resourceName);
    await clients.admin.deleteAcls([kept]);
  }, 60_000);

  it('lets an app join its own groups but not those of an app whose name extends its own', async () => {
    await join('svc', `${user('svc')}.main`);
    await expect(join('svc', `${user('svc-reports')}.main`)).rejects.toThrow(
      /\[.*GROUP_AUTHORIZATION_FAILED.*\]$/,
    );
    await join('svc-reports', `${user('svc-reports')}.main`);
  }, 60_000);

  it('takes all access from an app removed from the catalog, and its local user', async () => {
    const producer = kafkaAs(user('svc')).producer();
    await producer.connect();
    await producer.send({ topic: fx.topic('events'), messages: [{ value: 'before' }] });
    await producer.disconnect();
    expect(await readOne('svc-reports', `${user('svc-reports')}.before`)).toBe('before');
    const password = credentials().users[user('svc-reports')];
    expect(password).toBeDefined();

    fx.write({
      ...spec(),
      apps: { svc: {} },
      topics: [{ ...spec().topics[0]!, consumers: ['svc'] }],
    });
    const { plan } = await readAndPlan(desired(), clients);
    const removed = plan.commands.filter(
      (c) => c.kind === 'DeleteAcl' && c.acl.principal === `User:${user('svc-reports')}`,
    );
    expect(removed.map((c) => (c.kind === 'DeleteAcl' ? c.reason : c.kind))).toEqual([
      'app-removed',
      'app-removed',
      'app-removed',
    ]);
    expect(plan.commands).toHaveLength(removed.length);
    expect(renderPlan(plan, 'human')).toContain(
      `- acl ALLOW User:${user('svc-reports')} READ TOPIC:${fx.topic('events')} (its app is no longer in the catalog)`,
    );

    const report = await reconcilePass(desired(), clients, { mode: 'enforce' });
    expect(report.state).toBe('succeeded');
    expect(report.remaining?.inSync).toBe(true);
    expect((await mine()).filter((a) => a.principal === `User:${user('svc-reports')}`)).toEqual([]);
    // The broker applies ACL changes a moment after the call returns.
    await until(async () => {
      try {
        await readOne('svc-reports', `${user('svc-reports')}.after`);
        return undefined;
      } catch (err) {
        return /TOPIC_AUTHORIZATION_FAILED|Not authorized/.test(String(err)) || undefined;
      }
    }, 20_000);

    // The local tooling removes its SCRAM user: the old password no longer logs in.
    const { catalog } = loadCatalog(fx.root);
    await up(localUsers(catalog!));
    expect(credentials().users[user('svc-reports')]).toBeUndefined();
    expect(credentials().users[user('svc')]).toBeDefined();
    const stale = new Kafka({
      clientId: 'it-removed',
      brokers: [localStack().bootstrap],
      sasl: { mechanism: 'scram-sha-512', username: user('svc-reports'), password: password! },
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    await expect(stale.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  }, 120_000);
});
