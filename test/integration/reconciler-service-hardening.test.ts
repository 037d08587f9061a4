// The reconciler service under hostile or careless callers, on the real local stack: media types
// it does not take.
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { createLogger } from '../../reconciler/log';
import { generateToken, hashToken } from '../../reconciler/service/auth';
import { startService } from '../../reconciler/service';
import type { RunningService, ServiceConfig } from '../../reconciler/service';
import { catalogFixture, removeDomainResources } from '../support/reconciler-fixture';
import type { Fixture } from '../support/reconciler-fixture';

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
