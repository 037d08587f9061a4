// The broker stops in the middle of an apply: the pass reports failure, and the next pass after
// a restart converges with nothing duplicated. Runs on a private broker (temp dir, free ports)
// so stopping it cannot disturb the shared stack or other test files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/local/ports';
import { down, up } from '../../scripts/local/stack';
import { openClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { aclKey } from '../../catalog/access';
import { loadDesired } from '../../reconciler/catalog-source';
import { reconcilePass } from '../../reconciler/reconcile';
import { catalogFixture } from '../support/reconciler-fixture';
import type { Fixture } from '../support/reconciler-fixture';

describe('reconciler when the broker stops mid-apply', () => {
  let root: string;
  let fx: Fixture;
  let ports: { kafka: number; controller: number };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-recon-it-'));
    ports = { kafka: await freePort(), controller: await freePort() };
    await up({ root, ports, services: ['kafka'] });
    fx = catalogFixture();
    // No schemas: this broker's stack has no registry of its own.
    fx.write({
      apps: { writer: {}, reader: {} },
      topics: Array.from({ length: 40 }, (_, i) => ({
        key: `t${i}`,
        partitions: 2,
        retention: '1d',
        producers: ['writer'],
        consumers: ['reader'],
      })),
    });
  }, 180_000);

  afterAll(async () => {
    await down({ root });
    fs.rmSync(root, { recursive: true, force: true });
    fx.cleanup();
  });

  it('fails the pass, then converges on the next one without duplicates', async () => {
    const connection = localConnection({ stackRoot: root });
    const desired = loadDesired(fx.root, 'local', connection.naming);
    const first = await openClients(connection);
    let stopping: Promise<unknown> | undefined;
    const report = await reconcilePass(desired, first, {
      mode: 'enforce',
      batchSize: 5,
      concurrency: 1,
      retry: { retries: 1, backoffMs: 100, maxBackoffMs: 200 },
      progress: {
        applied: (result) => {
          // After the first batch of topics is in (ACLs go before topics), the broker goes away.
          if (result.kind === 'CreateTopic') stopping ??= down({ root, services: ['kafka'] });
        },
      },
    });
    await stopping;
    await first.close().catch(() => undefined);

    expect(report.state).toBe('failed');
    expect(report.counts.succeeded).toBeGreaterThanOrEqual(5);
    expect(report.counts.failed + report.counts.skipped).toBeGreaterThan(0);
    expect(report.counts.succeeded).toBeLessThan(report.counts.commands);

    await up({ root, ports, services: ['kafka'] });
    const clients = await openClients(localConnection({ stackRoot: root }));
    try {
      const next = await reconcilePass(desired, clients, { mode: 'enforce' });
      expect(next.error).toBeUndefined();
      expect(next.state).toBe('succeeded');
      expect(next.remaining?.commands).toEqual([]);
      // Only what the first pass did not finish was left to do.
      expect(next.counts.commands).toBe(report.counts.commands - report.counts.succeeded);

      const topics = (await clients.admin.describeTopics()).filter((t) =>
        t.name.startsWith(`${fx.domain}.`),
      );
      expect(topics).toHaveLength(desired.topics.length);
      expect(topics.every((t) => t.partitions === 2)).toBe(true);
      const acls = (await clients.admin.describeAcls()).map(aclKey).sort();
      const want = desired.acls.map(({ app: _app, ...a }) => aclKey(a)).sort();
      expect(acls).toEqual(want);

      const again = await reconcilePass(desired, clients, { mode: 'enforce' });
      expect(again.counts.commands).toBe(0);
    } finally {
      await clients.close();
    }
  }, 240_000);
});
