// Access boundaries on the real local broker, checked with a plain kafkajs client (not the client
// app, whose own checks would refuse first): an app's group prefix ends at a separator, so it
// cannot use the groups of an app whose name extends its own; old separator-less prefixes are
// migrated add-then-remove in one pass.
import { logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { openClients } from '../../reconciler/cluster/clients';
import type { Connection } from '../../reconciler/cluster/connection';
import { localConnection } from '../../reconciler/cluster/connection';
import type { AclBinding } from '../../reconciler/cluster/types';
import { applyPlan } from '../../reconciler/apply/executor';
import { loadDesired } from '../../reconciler/catalog-source';
import { readAndPlan, reconcilePass } from '../../reconciler/reconcile';
import { up } from '../../scripts/local/stack';
import { kafkaAs } from '../support/local';
import type { DomainSpec, Fixture } from '../support/reconciler-fixture';
import { catalogFixture, removeDomainResources, uniqueDomain } from '../support/reconciler-fixture';

const spec = (): DomainSpec => ({
  apps: { svc: {}, 'svc-reports': {} },
  topics: [{ key: 'events', partitions: 1, producers: ['svc'], consumers: ['svc', 'svc-reports'] }],
});

describe('access boundaries', () => {
  let fx: Fixture;
  let connection: Connection;
  let clients: OpenClients;
  const user = (app: string): string => `${fx.domain}.${app}`;
  const desired = () => loadDesired(fx.root, 'local', connection.principalOf);
  const mine = async (): Promise<AclBinding[]> =>
    (await clients.admin.describeAcls()).filter((a) =>
      a.principal.startsWith(`User:${fx.domain}.`),
    );

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
  }, 120_000);

  afterAll(async () => {
    await removeDomainResources(clients.admin, fx.domain);
    await clients.admin.deleteAcls(await mine());
    await clients.close();
    fx.cleanup();
  });

  it('migrates a separator-less group prefix in one pass: the new ACL is added before the old goes', async () => {
    const old: AclBinding = {
      principal: `User:${user('svc')}`,
      host: '*',
      resourceType: 'GROUP',
      resourceName: user('svc'),
      patternType: 'PREFIXED',
      operation: 'READ',
      permission: 'ALLOW',
    };
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
    const kept: AclBinding = {
      principal: `User:${user('svc')}`,
      host: '*',
      resourceType: 'TRANSACTIONAL_ID',
      resourceName: `${user('svc')}.kept`,
      patternType: 'LITERAL',
      operation: 'DESCRIBE',
      permission: 'ALLOW',
    };
    await clients.admin.createAcls([kept]);
    // The broker refuses a principal without a type: a real failed add.
    const refused: AclBinding = { ...kept, principal: 'no-type', resourceName: user('svc') };
    const results = await applyPlan(
      {
        environment: 'local',
        commands: [
          { id: 'c1', kind: 'CreateAcl', resource: 'acl refused', acl: refused },
          { id: 'c2', kind: 'DeleteAcl', resource: 'acl kept', acl: kept },
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
});
