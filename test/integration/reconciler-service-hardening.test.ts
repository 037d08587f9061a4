// The reconciler service under hostile or careless callers, on the real local stack: media types
// it does not take, secrets in URLs and headers at debug level, and many concurrent readers.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { createLogger } from '../../reconciler/log';
import { generateToken, hashToken } from '../../reconciler/service/auth';
import { startService } from '../../reconciler/service';
import type { RunningService, ServiceConfig } from '../../reconciler/service';
import { freePort } from '../../scripts/local/ports';
import { ADMIN_USER } from '../../scripts/local/stack';
import { credentials, localStack } from '../support/local';
import { catalogFixture, removeDomainResources } from '../support/reconciler-fixture';
import type { Fixture } from '../support/reconciler-fixture';
import { until } from '../support/wait';
import { REPO_ROOT } from '../../shared/repo-root';

jest.setTimeout(120_000);

const operator = generateToken();
const reader = generateToken();

const TOKENS = [
  { name: 'ops', role: 'operator' as const, sha256: hashToken(operator) },
  { name: 'dash', role: 'reader' as const, sha256: hashToken(reader) },
];

let fx: Fixture;
let clients: OpenClients;

beforeAll(async () => {
  fx = catalogFixture();
  fx.write({
    apps: { shop: {} },
    topics: [{ key: 'orders', partitions: 1, producers: ['shop'] }],
  });
  clients = await openClients(localConnection());
});

afterAll(async () => {
  await removeDomainResources(clients.admin, fx.domain);
  await clients.close();
  fx.cleanup();
});

const start = (extra: Partial<ServiceConfig> = {}): Promise<RunningService> =>
  startService({
    root: fx.root,
    environment: 'local',
    mode: 'enforce',
    intervalMs: 600_000,
    host: '127.0.0.1',
    port: 0,
    tokens: TOKENS,
    connection: localConnection(),
    log: createLogger({ level: 'silent' }),
    ...extra,
  });

describe('request media types', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await start();
  });
  afterAll(() => svc.close());

  const post = (route: string, type: string | undefined, body?: string, token?: string) =>
    fetch(`${svc.url}${route}`, {
      method: 'POST',
      headers: {
        ...(type ? { 'Content-Type': type } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual',
    });

  it.each([
    ['/api/v1/reconciliations', 'text/plain', '{"reason":"x"}'],
    ['/api/v1/reconciliations', 'text/plain; charset=utf-8', 'reason=x'],
    ['/api/v1/reconciliations', 'application/xml', '<reason>x</reason>'],
    ['/api/v1/reconciliations', 'application/x-www-form-urlencoded', 'reason=x'],
    ['/login', 'text/plain', `token=${reader}`],
    ['/login', 'application/xml', '<token/>'],
    ['/logout', 'text/plain', 'csrf=x'],
  ])('POST %s with %s gets 415 saying what to send', async (route, type, body) => {
    const res = await post(route, type, body, operator);
    expect(res.status).toBe(415);
    const json = (await res.json()) as { error: string; message: string };
    expect(json.error).toBe('unsupported_media_type');
    expect(json.message).toMatch(/not supported here: send application\/(json|x-www-form)/);
  });

  it('still takes JSON on the API and forms on the page', async () => {
    const api = await post(
      '/api/v1/reconciliations',
      'application/json',
      '{"dryRun":true}',
      operator,
    );
    expect(api.status).toBe(202);
    const login = await post('/login', 'application/x-www-form-urlencoded', `token=${reader}`);
    expect(login.status).toBe(303);
    // A POST without a body needs no Content-Type.
    expect((await post('/api/v1/reconciliations', undefined, undefined, operator)).status).toBe(
      202,
    );
  });
});

describe('many concurrent readers', () => {
  let svc: RunningService;
  let raw: OpenClients;
  const reads = { topics: 0, subjects: 0, pings: 0 };

  /** The service's clients, counting what reaches the cluster and the registry. */
  const counting = <T extends object>(target: T, counted: Record<string, keyof typeof reads>): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const counter = counted[String(prop)];
        return (...args: unknown[]) => {
          if (counter) reads[counter] += 1;
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });

  beforeAll(async () => {
    raw = await openClients(localConnection());
    svc = await start({
      clients: {
        admin: counting(raw.admin, { describeTopics: 'topics', ping: 'pings' }),
        registry: counting(raw.registry, { listSubjects: 'subjects', ping: 'pings' }),
      },
      refreshMinMs: 1_000,
      // One probe check serves every probe within this window; the burst below must fit in it
      // however slowly a loaded machine answers 1,000 requests (2 s by default).
      limits: { readyCacheMs: 60_000 },
    });
    // The first pass, which every read is then served from.
    await until(() => svc.controller.snapshot().lastPass, 60_000);
  });

  afterAll(async () => {
    await svc.close();
    await raw.close();
  });

  it('answers 1,000 concurrent requests with 200 or 429, reading the cluster at most once', async () => {
    await sleep(1_100); // the last comparison is now older than 1 s
    const before = { ...reads };
    const get = async (p: string, token?: string) => {
      const res = await fetch(`${svc.url}${p}`, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      return { path: p, status: res.status, retryAfter: res.headers.get('retry-after'), text };
    };
    const requests = [
      ...Array.from({ length: 350 }, () => get('/api/v1/plan', reader)),
      ...Array.from({ length: 50 }, (_, i) =>
        get('/api/v1/plan?fresh=true', i % 2 ? reader : operator),
      ),
      ...Array.from({ length: 400 }, () => get('/api/v1/status', reader)),
      ...Array.from({ length: 100 }, () => get('/readyz')),
      ...Array.from({ length: 100 }, () => get('/healthz')),
    ];
    const results = await Promise.all(requests);
    const by = (prefix: string) => results.filter((r) => r.path.startsWith(prefix));
    expect(results.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    for (const p of ['/api/v1/status', '/readyz', '/healthz'])
      expect(by(p).every((r) => r.status === 200)).toBe(true);

    const plans = by('/api/v1/plan');
    const served = plans.filter((r) => r.status === 200);
    const refused = plans.filter((r) => r.status === 429);
    expect(served.length).toBeGreaterThanOrEqual(50);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => Number(r.retryAfter) >= 1)).toBe(true);
    const body = JSON.parse(served[0]?.text ?? '{}') as {
      ageSeconds?: number;
      observedAt?: string;
    };
    expect(typeof body.ageSeconds).toBe('number');
    expect(Date.parse(body.observedAt ?? '')).toBeGreaterThan(0);
    const status = JSON.parse(by('/api/v1/status')[0]?.text ?? '{}') as { ageSeconds?: number };
    expect(typeof status.ageSeconds).toBe('number');

    // Two tokens asked for a fresh plan at once: one shared read. Probes: one check.
    expect(reads.topics - before.topics).toBe(1);
    expect(reads.subjects - before.subjects).toBe(1);
    expect(reads.pings - before.pings).toBeLessThanOrEqual(2);

    // The reconciler itself still reaches the cluster and the registry.
    const res = await fetch(`${svc.url}/api/v1/reconciliations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${operator}` },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const done = await until(() => {
      const r = svc.controller.store.get(id);
      return r && (r.state === 'succeeded' || r.state === 'failed') ? r : undefined;
    }, 60_000);
    expect(done.state).toBe('succeeded');
    expect(reads.subjects - before.subjects).toBeGreaterThan(1);
  });
});

describe('logs of a debug-level run', () => {
  it('carry none of the configured secrets, wherever a caller put them', async () => {
    const adminPassword = credentials().users[ADMIN_USER] as string;
    expect(adminPassword.length).toBeGreaterThan(8);
    const registryPassword = `registry-${generateToken()}`;
    const port = await freePort();
    const stack = localStack();
    const child = spawn(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(REPO_ROOT, 'reconciler', 'server.ts')],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          LOG_LEVEL: 'debug',
          RECONCILER_ROOT: fx.root,
          RECONCILER_ENV: 'sandbox',
          RECONCILER_MODE: 'observe',
          RECONCILER_PORT: String(port),
          RECONCILER_INTERVAL_SECONDS: '1',
          RECONCILER_TOKENS: JSON.stringify(TOKENS),
          STREAMPLANE_BOOTSTRAP: stack.bootstrap,
          STREAMPLANE_SSL: 'false',
          STREAMPLANE_SASL_MECHANISM: 'scram-sha-512',
          STREAMPLANE_SASL_USERNAME: ADMIN_USER,
          STREAMPLANE_SASL_PASSWORD: adminPassword,
          STREAMPLANE_REGISTRY_URL: stack.registryUrl,
          STREAMPLANE_REGISTRY_USERNAME: 'registry-user',
          STREAMPLANE_REGISTRY_PASSWORD: registryPassword,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let gone = false;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        gone = true;
        resolve();
      }),
    );
    const seen = (text: string): Promise<true> =>
      until(() => {
        if (gone) throw new Error('the service exited');
        return output.includes(text) || undefined;
      }, 60_000);
    try {
      await seen('reconciler serving');
      const base = `http://127.0.0.1:${port}`;
      const get = (p: string, headers: Record<string, string> = {}) =>
        fetch(`${base}${p}`, { headers }).then((r) => r.text());
      await get(`/api/v1/status?access_token=${operator}`);
      await get(`/api/v1/status?format=json&token=${reader}&password=${adminPassword}`);
      await get('/api/v1/status', { Authorization: `Bearer ${operator}` });
      await get('/api/v1/status', { Authorization: `Bearer ${reader}x` });
      await get('/api/v1/status', { Authorization: `Basic ${btoa(`u:${adminPassword}`)}` });
      await get(`/nowhere?apiKey=${registryPassword}`);
      await fetch(`${base}/login?secret=${operator}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `token=${operator}`,
      });
      await fetch(`${base}/api/v1/reconciliations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${operator}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: `token=${operator}` }),
      });
      await seen('"msg":"reconciliation pass"');
    } catch (err) {
      throw new Error(`${(err as Error).message}; the service wrote:\n${output.slice(-3000)}`);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    // The run logged at debug level, request lines with their URLs included.
    expect(output).toContain('"level":20');
    expect(output).toContain('access_token=[redacted]');
    for (const secret of [
      operator,
      reader,
      adminPassword,
      registryPassword,
      btoa(`u:${adminPassword}`),
      btoa(`registry-user:${registryPassword}`),
      ...TOKENS.map((t) => t.sha256),
    ])
      expect(output).not.toContain(secret);
  });
});
