// Reconciliations that outlive a replica, on the real local stack: a follower forwards a POST to
// the leader and learns its outcome through the compacted jobs topic; after every replica has
// stopped, a new one rebuilds the same final state from the topic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { createLogger } from '../../reconciler/log';
import { generateToken, hashToken } from '../../reconciler/service/auth';
import { startService } from '../../reconciler/service';
import type { RunningService } from '../../reconciler/service';
import type { Reconciliation } from '../../reconciler/service/store';
import { catalogFixture, ioTopicSpecs, removeDomainResources } from '../support/reconciler-fixture';
import type { DomainSpec, Fixture, FixtureTopic } from '../support/reconciler-fixture';
import { sleep, until } from '../support/wait';

jest.setTimeout(120_000);

const operator = generateToken();
const reader = generateToken();

describe('reconciliation jobs on the jobs topic', () => {
  let fx: Fixture;
  let clients: OpenClients;
  const running: RunningService[] = [];
  const connection = localConnection();

  const spec = (extra: FixtureTopic[]): DomainSpec => {
    const io = ioTopicSpecs();
    const jobs: FixtureTopic = {
      key: 'reconciliations',
      partitions: 1,
      cleanupPolicy: 'compact',
      schema: 'reconciliation.json',
      producers: ['reconciler'],
      consumers: ['reconciler'],
    };
    return {
      apps: { reconciler: {}, shop: {} },
      topics: [...io.topics, jobs, ...extra],
      schemas: { ...io.schemas, 'reconciliation.json': schemaText() },
    };
  };

  /** Each replica's log lines, shown when a wait fails (leadership changes, warnings). */
  const logs: string[][] = [];
  const start = async (): Promise<RunningService> => {
    const lines: string[] = [];
    logs.push(lines);
    const replica = logs.length;
    const svc = await startService({
      root: fx.root,
      environment: 'local',
      mode: 'enforce',
      intervalMs: 600_000, // passes on request only
      host: '127.0.0.1',
      port: 0,
      tokens: [
        { name: 'ops', role: 'operator', sha256: hashToken(operator) },
        { name: 'dash', role: 'reader', sha256: hashToken(reader) },
      ],
      connection,
      ioDomain: fx.domain,
      log: createLogger({
        level: 'info',
        destination: { write: (line: string) => void lines.push(`#${replica} ${line.trim()}`) },
      }),
    });
    running.push(svc);
    return svc;
  };

  const stop = async (svc: RunningService): Promise<void> => {
    await svc.close();
    running.splice(running.indexOf(svc), 1);
  };

  const get = async (svc: RunningService, id: string): Promise<Reconciliation | undefined> => {
    const res = await fetch(`${svc.url}/api/v1/reconciliations/${id}`, {
      headers: { Authorization: `Bearer ${reader}` },
    });
    if (res.status === 404) return undefined;
    expect(res.status).toBe(200);
    return (await res.json()) as Reconciliation;
  };

  beforeAll(async () => {
    fx = catalogFixture();
    fx.write(spec([]));
    clients = await openClients(connection);
  });

  afterAll(async () => {
    for (const svc of [...running]) await svc.close();
    await removeDomainResources(clients.admin, fx.domain);
    await clients.close();
    fx.cleanup();
  });

  it('shows a forwarded job’s outcome on the follower, and again after every replica restarted', async () => {
    const a = await start();
    await until(() => a.isLeader() || undefined);
    // The start-up pass creates the domain's topics and registers the jobs topic's subject.
    await until(() =>
      a.controller.store.recent().find((r) => r.state === 'succeeded' || r.state === 'failed'),
    );
    const b = await start();
    const services = [a, b];
    const leader = await until(
      async () => {
        const leaders = services.filter((s) => s.isLeader());
        if (leaders.length !== 1) return undefined;
        await sleep(1000);
        return services.filter((s) => s.isLeader()).length === 1 ? leaders[0] : undefined;
      },
      30_000,
      () => `leaders: ${services.map((s) => s.isLeader()).join(', ')}\n${logs.flat().join('\n')}`,
    );
    const follower = services.find((s) => s !== leader) as RunningService;
    const passesBefore = await passes(follower);

    // Something for the forwarded pass to do, so it has results to show.
    fx.write(spec([{ key: 'orders', partitions: 1, producers: ['shop'] }]));
    const posted = await fetch(`${follower.url}/api/v1/reconciliations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${operator}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'jobs topic' }),
    });
    expect(posted.status).toBe(202);
    const body = (await posted.json()) as { id: string; forwarded?: boolean };
    expect(body.forwarded).toBe(true);

    // The follower never ran it, yet its GET shows how it ended.
    const onFollower = await until(async () => {
      const r = await get(follower, body.id);
      return r && (r.state === 'succeeded' || r.state === 'failed') ? r : undefined;
    }, 60_000);
    expect(onFollower).toMatchObject({
      id: body.id,
      state: 'succeeded',
      forwarded: true,
      reason: 'jobs topic',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    const created = onFollower.results?.find(
      (r) => r.kind === 'CreateTopic' && r.resource.includes(fx.topic('orders')),
    );
    expect(created?.outcome).toBe('succeeded');
    expect(onFollower.counts?.succeeded).toBeGreaterThanOrEqual(1);
    const onLeader = leader.controller.store.get(body.id);
    expect(onLeader?.state).toBe('succeeded');
    expect(onFollower.results).toEqual(onLeader?.results);
    expect(onFollower.counts).toEqual(onLeader?.counts);
    // The follower learned the outcome, it did not run the job.
    expect(await passes(follower)).toBe(passesBefore);

    // Every replica goes; a new one knows the job's final state from the topic alone.
    await stop(follower);
    await stop(leader);
    const c = await start();
    const afterRestart = await get(c, body.id);
    expect(afterRestart).toMatchObject({
      id: body.id,
      state: 'succeeded',
      finishedAt: onFollower.finishedAt,
      counts: onFollower.counts,
    });
    expect(afterRestart?.results).toEqual(onFollower.results);
    expect(await get(c, 'no-such-reconciliation')).toBeUndefined();
  });
});

function schemaText(): string {
  // The platform's own declaration, as the catalog registers it.
  return readFileSync(
    join(__dirname, '..', '..', 'schemas', 'platform', 'reconciliation.json'),
    'utf8',
  );
}

/** Passes a replica ran itself, from its metrics. */
async function passes(svc: RunningService): Promise<number> {
  return (await svc.metrics.render())
    .split('\n')
    .filter((l) => l.startsWith('reconciler_passes_total{'))
    .reduce((n, l) => n + Number(l.split(' ')[1]), 0);
}
