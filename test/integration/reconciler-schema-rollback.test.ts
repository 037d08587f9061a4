// A schema file rolled back to a version the subject already has, on the real registry: the
// registry returns the old id and adds nothing, so registering can never make it latest. Every
// pass must end with a definite outcome: the rollback refused, with the two ways out, each of
// which then converges.
import { loadDesired } from '../../reconciler/catalog-source';
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { renderPlan } from '../../reconciler/plan/render';
import { readAndPlan, reconcilePass } from '../../reconciler/reconcile';
import { localStack } from '../support/local';
import { catalogFixture, removeDomainResources } from '../support/reconciler-fixture';
import type { Fixture } from '../support/reconciler-fixture';

jest.setTimeout(120_000);

let namespace = '';
const order = (fields: object[], doc?: string): string =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace,
    ...(doc ? { doc } : {}),
    fields: [{ name: 'id', type: 'string' }, ...fields],
  });
const v1 = (): string => order([]);
const v2 = (): string => order([{ name: 'note', type: ['null', 'string'], default: null }]);

describe('a schema rolled back to a registered version', () => {
  let fx: Fixture;
  let clients: OpenClients;
  const connection = localConnection();
  let subject: string;

  const write = (schema: string): void =>
    fx.write({
      apps: { shop: {} },
      topics: [{ key: 'orders', partitions: 1, schema: 'order.avsc', producers: ['shop'] }],
      schemas: { 'order.avsc': schema },
    });
  const desired = () => loadDesired(fx.root, 'local', connection.naming);
  const enforce = () => reconcilePass(desired(), clients, { mode: 'enforce' });
  const versions = async (): Promise<number[]> =>
    (await fetch(`${localStack().registryUrl}/subjects/${subject}/versions`)).json() as Promise<
      number[]
    >;

  beforeAll(async () => {
    fx = catalogFixture();
    namespace = `com.acme.${fx.domain}`;
    subject = `${fx.topic('orders')}-value`;
    clients = await openClients(connection);
    write(v1());
    expect((await enforce()).state).toBe('succeeded');
    write(v2());
    expect((await enforce()).state).toBe('succeeded');
    expect((await clients.registry.latest(subject))?.version).toBe(2);
  });

  afterAll(async () => {
    await removeDomainResources(clients.admin, fx.domain);
    await clients.close();
    fx.cleanup();
  });

  it('is refused with a reason and the fixes, and every pass ends without applying', async () => {
    write(v1());
    const { plan } = await readAndPlan(desired(), clients);
    expect(plan.commands.filter((c) => c.kind === 'RegisterSchema')).toEqual([]);
    const refusal = plan.refusals.find((r) => r.resource === `subject ${subject}`);
    expect(refusal).toMatchObject({ kind: 'schema-rollback', drift: true });
    expect(refusal?.reason).toMatch(/is version 1 of the subject .*latest is version 2/);
    expect(refusal?.reason).toContain('change the file into a schema the subject does not have');
    expect(refusal?.reason).toContain(`delete version 2 of ${subject} in the registry`);
    expect(plan.inSync).toBe(false);
    expect(renderPlan(plan, 'human')).toContain(`! refused: subject ${subject} schema`);

    for (let pass = 0; pass < 2; pass++) {
      const report = await enforce();
      expect(report.error).toBeUndefined();
      expect(report.state).toBe('succeeded');
      expect(report.counts.commands).toBe(0);
      expect(report.plan?.refusals.map((r) => r.kind)).toContain('schema-rollback');
    }
    expect(await versions()).toEqual([1, 2]);
  });

  it('is in sync when the file differs from the latest only where the registry does not look', async () => {
    // Apicurio compares Avro's canonical form, which has no docs.
    write(order([], 'The first shape, documented.'));
    const report = await enforce();
    expect(report.error).toBeUndefined();
    expect(report.counts.commands).toBe(0);
    expect(report.plan?.refusals.map((r) => r.kind)).toContain('schema-rollback');
    write(order([{ name: 'note', type: ['null', 'string'], default: null }], 'Documented.'));
    const same = await enforce();
    expect(same.error).toBeUndefined();
    expect(same.plan?.inSync).toBe(true);
    expect(await versions()).toEqual([1, 2]);
  });

  it('converges once the file is a schema the subject does not have yet', async () => {
    write(order([{ name: 'channel', type: ['null', 'string'], default: null }]));
    const report = await enforce();
    expect(report.error).toBeUndefined();
    expect(report.state).toBe('succeeded');
    expect(report.remaining?.inSync ?? report.plan?.inSync).toBe(true);
    expect(await versions()).toEqual([1, 2, 3]);
    expect((await readAndPlan(desired(), clients)).plan.inSync).toBe(true);
  });

  it('converges once the newer versions are deleted from the registry', async () => {
    write(v2());
    const { plan } = await readAndPlan(desired(), clients);
    const refusal = plan.refusals.find((r) => r.kind === 'schema-rollback');
    expect(refusal?.reason).toMatch(/is version 2 of the subject .*latest is version 3/);
    const res = await fetch(`${localStack().registryUrl}/subjects/${subject}/versions/3`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(200);
    expect((await clients.registry.latest(subject))?.version).toBe(2);
    expect((await readAndPlan(desired(), clients)).plan.inSync).toBe(true);
    expect((await enforce()).counts.commands).toBe(0);
  });
});
