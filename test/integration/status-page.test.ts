// The status page in a real browser: Debian's chromium (scripts/tools/chromium.sh), headless,
// driven by puppeteer-core, against the reconciler service in-process on the shared local stack.
// A throw-away domain modelled on the sample's orders domain (a transactional producer, a
// consumer, an Avro topic, a compacted one, the reconciler's own topics), with a schema the
// registry refuses, so the page has ready topics, a failed one and a failed command to show.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { createLogger } from '../../reconciler/log';
import { generateToken, hashToken } from '../../reconciler/service/auth';
import { startService } from '../../reconciler/service';
import type { RunningService } from '../../reconciler/service';
import type { TopicStatus } from '../../reconciler/service/status';
import type { Reconciliation } from '../../reconciler/service/store';
import {
  catalogFixture,
  ioTopicSpecs,
  removeDomainResources,
  uniqueDomain,
} from '../support/reconciler-fixture';
import type { Fixture } from '../support/reconciler-fixture';
import { until } from '../support/wait';
import { REPO_ROOT } from '../../shared/repo-root';

jest.setTimeout(60_000);

const CATALOG_URL = 'https://git.example/acme/streamplane/blob/main';
const OUT = join(
  process.env.TEST_OUTPUT_DIR ?? join(tmpdir(), 'streamplane-test-output'),
  'status-page',
);
/** Untrusted text where the catalog and an API caller can put it: it must stay text. */
const SCRIPT_IN_CATALOG = '<script>window.__pwned = "catalog"</script>';
const SCRIPT_IN_REASON = '<img src=x onerror="window.__pwned = \'reason\'">';

/** An element's rendered text (the tests compile without the DOM's types). */
type Texty = { innerText: string };

const operator = generateToken();
const reader = generateToken();

describe('status page in a browser', () => {
  let fx: Fixture;
  let svc: RunningService;
  let clients: OpenClients;
  let browser: Browser;
  let page: Page;
  const shots: string[] = [];
  const connection = localConnection();

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${svc.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  const finished = (id: string): Promise<Reconciliation> =>
    until(() => {
      const r = svc.controller.store.get(id);
      return r && (r.state === 'succeeded' || r.state === 'failed') ? r : undefined;
    });

  const shot = async (name: string): Promise<void> => {
    const file = join(OUT, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  };

  beforeAll(async () => {
    // The project's own setup script: installs chromium if it is missing, prints its path.
    const chromium = execFileSync('bash', [join(REPO_ROOT, 'scripts/tools/chromium.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    mkdirSync(OUT, { recursive: true });

    fx = catalogFixture(uniqueDomain('itpage'));
    const io = ioTopicSpecs();
    const order = (fields: object[]): string =>
      JSON.stringify({
        type: 'record',
        name: 'OrderCreated',
        namespace: `com.acme.${fx.domain}`,
        fields,
      });
    fx.write({
      apps: { reconciler: {}, 'order-service': { transactional: true }, 'order-projector': {} },
      topics: [
        ...io.topics,
        {
          key: 'order-created',
          partitions: 2,
          schema: 'order-created.avsc',
          producers: ['order-service'],
          consumers: ['order-projector'],
        },
        {
          key: 'order-status',
          partitions: 1,
          cleanupPolicy: 'compact',
          producers: ['order-service'],
          consumers: ['order-projector'],
        },
      ],
      schemas: {
        ...io.schemas,
        // A new required field: not BACKWARD compatible with the version registered below.
        'order-created.avsc': order([
          { name: 'id', type: 'string' },
          { name: 'amount', type: 'int' },
        ]),
      },
    });
    const domainFile = join(fx.root, 'topics', `${fx.domain}.yaml`);
    writeFileSync(
      domainFile,
      readFileSync(domainFile, 'utf8').replace(
        'description: Reconciler test domain',
        `description: ${JSON.stringify(`Orders, as the sample has them ${SCRIPT_IN_CATALOG}`)}`,
      ),
    );
    clients = await openClients(connection);
    await clients.registry.register(`${fx.topic('order-created')}-value`, {
      schemaType: 'AVRO',
      references: [],
      schema: order([{ name: 'id', type: 'string' }]),
    });

    svc = await startService({
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
      log: createLogger({ level: 'silent' }),
      catalogUrl: CATALOG_URL,
      pageRefreshSeconds: 1,
    });
    await until(() => svc.isLeader() || undefined);
    const posted = await api('POST', '/api/v1/reconciliations', operator, {
      reason: SCRIPT_IN_REASON,
      requestedBy: 'status-page test',
    });
    expect(posted.status).toBe(202);
    expect((await finished(posted.json.id as string)).state).toBe('failed');

    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: [
        '--headless=new',
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-dev-shm-usage',
      ],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
    if (clients) {
      await removeDomainResources(clients.admin, fx.domain);
      await clients.close();
    }
    fx?.cleanup();
    if (shots.length) console.log(`status page screenshots:\n${shots.join('\n')}`);
  });

  const bodyText = (): Promise<string> =>
    page.$eval('body', (b) => (b as unknown as Texty).innerText);

  it('shows only the login form without a session', async () => {
    const res = await page.goto(`${svc.url}/`);
    expect(res?.status()).toBe(200);
    expect(await page.$('form#login input[type=password][name=token]')).not.toBeNull();
    expect(await page.$('[data-domain], [data-topic], #logout')).toBeNull();
    expect(await bodyText()).not.toContain(fx.domain);
    await shot('1-login');
  });

  it('refuses a wrong token and sets no cookie', async () => {
    await page.type('#token', generateToken());
    const [res] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(res?.status()).toBe(401);
    expect(await page.$eval('#login-error', (e) => e.textContent)).toContain(
      'That token is not valid.',
    );
    expect(await browser.cookies()).toEqual([]);
    expect(await page.$('[data-domain]')).toBeNull();
    await shot('2-wrong-token');
  });

  it("logs in with a token and shows the domain's topics, conditions, access and passes", async () => {
    await page.goto(`${svc.url}/`);
    await page.type('#token', reader);
    const [res] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(res?.status()).toBe(200);
    expect(page.url()).toBe(`${svc.url}/`);
    expect(await page.$eval('#caller', (e) => e.textContent)).toBe('dash');

    // Each topic's state on the page is the API's.
    const status = await api('GET', '/api/v1/status', reader);
    const topics = status.json.topics as TopicStatus[];
    expect(topics.length).toBe(6);
    for (const t of topics) {
      expect(
        await page.$eval(`tr.topic[data-topic="${t.topic}"]`, (e) => e.getAttribute('data-state')),
      ).toBe(t.state);
    }
    expect(topics.find((t) => t.topic === fx.topic('order-created'))?.state).toBe('failed');
    expect(topics.find((t) => t.topic === fx.topic('order-status'))?.state).toBe('ready');

    // The drift: the failed topic's false condition, with reason and transition time.
    const drift = await page.$eval(
      `#drift tr[data-topic="${fx.topic('order-created')}"]`,
      (e) => (e as unknown as Texty).innerText,
    );
    expect(drift).toMatch(/failed\s+SchemaInSync\s+Pending/);
    expect(drift).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+ s ago\)/);
    // All five conditions of each topic, one click away in its domain.
    const failedRow = `tr.topic[data-topic="${fx.topic('order-created')}"]`;
    await page.click(`${failedRow} summary`);
    const condition = await page.$eval(
      `${failedRow} tr[data-condition="SchemaInSync"]`,
      (e) => (e as unknown as Texty).innerText,
    );
    expect(condition).toMatch(/SchemaInSync\s+False\s+Pending/);
    expect(await page.$$eval(`${failedRow} tr[data-condition]`, (rows) => rows.length)).toBe(5);

    // Failed commands with the registry's reason, linked to the catalog line.
    const failure = await page.$eval(
      '#failures tr.failure',
      (e) => (e as unknown as Texty).innerText,
    );
    expect(failure).toContain('RegisterSchema');
    expect(failure).toContain(`subject ${fx.topic('order-created')}-value`);
    const link = await page.$eval(
      '#failures tr.failure a.src',
      (a) => (a as unknown as { href: string }).href,
    );
    expect(link).toMatch(new RegExp(`^${CATALOG_URL}/topics/${fx.domain}\\.yaml#L\\d+$`));

    // Apps and their access, from the catalog.
    const app = await page.$eval(
      `tr.app[data-app="${fx.domain}/order-service"]`,
      (e) => (e as unknown as Texty).innerText,
    );
    expect(app).toContain(`User:${fx.domain}.order-service`);
    expect(app).toContain(`TOPIC ${fx.topic('order-created')} WRITE, DESCRIBE`);
    expect(app).toContain(`TRANSACTIONAL_ID ${fx.domain}.order-service.* WRITE, DESCRIBE`);

    // The passes, with the untrusted reason as text.
    const text = await bodyText();
    expect(text).toContain(SCRIPT_IN_REASON);
    expect(text).toContain(SCRIPT_IN_CATALOG);
    await shot('3-status');
  });

  it('renders what the catalog and callers wrote as text, never as markup', async () => {
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned),
    ).toBeUndefined();
    expect(await page.$$eval('script', (s) => s.length)).toBe(1);
    expect(await page.$('main img')).toBeNull();
    expect(
      await page.$eval(`[data-domain="${fx.domain}"] .description`, (e) => e.textContent),
    ).toContain(SCRIPT_IN_CATALOG);
  });

  it('keeps a session cookie, HttpOnly and SameSite=Strict, that is not the token', async () => {
    const cookies = await browser.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: 'streamplane_session',
      httpOnly: true,
      sameSite: 'Strict',
      secure: false, // plain HTTP here; see the X-Forwarded-Proto case below
    });
    expect(cookies[0]?.value).not.toContain(reader);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { cookie: string } }).document.cookie,
      ),
    ).toBe('');

    // Behind a TLS proxy the cookie is Secure.
    const res = await fetch(`${svc.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Forwarded-Proto': 'https',
      },
      body: new URLSearchParams({ token: reader }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('lets the session read the API, but not POST to it', async () => {
    const got = await page.evaluate(async () => {
      const r = await fetch('api/v1/overview');
      return {
        status: r.status,
        domains: ((await r.json()) as { domains: unknown[] }).domains.length,
      };
    });
    expect(got).toEqual({ status: 200, domains: 1 });
    const posted = await page.evaluate(async () => {
      const r = await fetch('api/v1/reconciliations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      return { status: r.status, body: (await r.json()) as { message: string } };
    });
    expect(posted.status).toBe(401);
    expect(posted.body.message).toMatch(/session may only read/);
  });

  it('reloads itself when a new pass has run', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { __before?: boolean }).__before = true;
    });
    const before = await page.$$eval('tr.pass', (rows) => rows.length);
    const reload = page.waitForNavigation({ timeout: 20_000 });
    const posted = await api('POST', '/api/v1/reconciliations', operator, { reason: 'refresh' });
    await finished(posted.json.id as string);
    await reload;
    expect(
      await page.evaluate(() => (globalThis as unknown as { __before?: boolean }).__before),
    ).toBeUndefined();
    expect(await page.$$eval('tr.pass', (rows) => rows.length)).toBe(before + 1);
  });

  it('logs out: the cookie and the session are gone', async () => {
    const cookie = (await browser.cookies())[0]?.value as string;
    const [res] = await Promise.all([page.waitForNavigation(), page.click('#logout button')]);
    expect(res?.status()).toBe(200);
    expect(await page.$('form#login')).not.toBeNull();
    expect(await browser.cookies()).toEqual([]);
    await shot('4-logged-out');
    // The old cookie value is worthless now.
    const replay = await fetch(`${svc.url}/api/v1/overview`, {
      headers: { Cookie: `streamplane_session=${cookie}` },
    });
    expect(replay.status).toBe(401);
  });
});
