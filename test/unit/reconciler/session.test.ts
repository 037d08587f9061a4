// The status page's sessions and its login/logout routes, on a real Fastify instance with the
// real token verifier, session store and overview (the sample catalog, no cluster yet).
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { pageRoutes } from '../../../reconciler/service/app';
import { TokenVerifier, generateToken, hashToken } from '../../../reconciler/service/auth';
import { createLogger } from '../../../reconciler/log';
import {
  SESSION_COOKIE,
  SessionStore,
  cameOverTls,
  clearedCookie,
  csrfMatches,
  parseCookies,
  sessionCookie,
} from '../../../reconciler/service/session';
import { ReconciliationStore } from '../../../reconciler/service/store';
import { Overview } from '../../../reconciler/service/view';
import { REPO_ROOT } from '../../../shared/repo-root';

describe('session store', () => {
  const caller = { name: 'dash', role: 'reader' as const };

  it('gives a random id that maps back to the caller, and nothing else does', () => {
    const store = new SessionStore();
    const a = store.create(caller);
    const b = store.create(caller);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(store.get(a.id)?.caller).toEqual(caller);
    expect(store.get(undefined)).toBeUndefined();
    expect(store.get(`${a.id.slice(0, -1)}${a.id.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(store.get(`${a.id}x`)).toBeUndefined();
    expect(store.get('')).toBeUndefined();
  });

  it('keeps only a digest of the id, never the id itself', () => {
    const store = new SessionStore();
    const { id } = store.create(caller);
    const kept = JSON.stringify([
      ...(store as unknown as { sessions: Map<string, unknown> }).sessions,
    ]);
    expect(kept).not.toContain(id);
  });

  it('expires, and forgets on logout', () => {
    let now = 1_000_000;
    const store = new SessionStore({ ttlMs: 60_000, now: () => now });
    const { id } = store.create(caller);
    now += 59_999;
    expect(store.get(id)).toBeDefined();
    now += 1;
    expect(store.get(id)).toBeUndefined();
    const other = store.create(caller);
    store.delete(other.id);
    expect(store.get(other.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const store = new SessionStore({ capacity: 2 });
    const ids = [1, 2, 3].map(() => store.create(caller).id);
    expect(ids.map((id) => store.get(id) !== undefined)).toEqual([false, true, true]);
  });

  it('compares the anti-CSRF value exactly', () => {
    const { session } = new SessionStore().create(caller);
    expect(csrfMatches(session, session.csrf)).toBe(true);
    expect(csrfMatches(session, `${session.csrf}x`)).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
  });
});

describe('cookies', () => {
  it('are HttpOnly and SameSite=Strict, Secure only over TLS', () => {
    expect(sessionCookie('abc', { secure: false, maxAgeSeconds: 60 })).toBe(
      `${SESSION_COOKIE}=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict`,
    );
    expect(sessionCookie('abc', { secure: true, maxAgeSeconds: 60 })).toMatch(/; Secure$/);
    expect(clearedCookie({ secure: false })).toMatch(/^streamplane_session=; Path=\/; Max-Age=0;/);
  });

  it('parse a Cookie header', () => {
    const c = parseCookies('a=1; streamplane_session="xyz"; a=2; junk; =v');
    expect(c.get('a')).toBe('1');
    expect(c.get(SESSION_COOKIE)).toBe('xyz');
    expect(c.size).toBe(2);
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('know TLS from the socket or the proxy', () => {
    expect(cameOverTls({ headers: {}, socket: { encrypted: true } })).toBe(true);
    expect(cameOverTls({ headers: { 'x-forwarded-proto': 'https' } })).toBe(true);
    expect(cameOverTls({ headers: { 'x-forwarded-proto': 'HTTPS, http' } })).toBe(true);
    expect(cameOverTls({ headers: { 'x-forwarded-proto': 'http' }, socket: {} })).toBe(false);
    expect(cameOverTls({ headers: {} })).toBe(false);
  });
});

describe('login, the page and logout', () => {
  const reader = generateToken();
  let app: FastifyInstance;
  let sessions: SessionStore;
  let port: number;

  beforeAll(async () => {
    sessions = new SessionStore();
    const overview = new Overview({
      root: REPO_ROOT,
      environment: 'local',
      controller: {
        snapshot: () => ({ mode: 'enforce', leader: true, topics: [] }),
        store: new ReconciliationStore(),
      },
      principalOf: (a) => `User:${a.principal}`,
    });
    app = Fastify();
    await app.register(
      pageRoutes({
        tokens: new TokenVerifier([{ name: 'dash', role: 'reader', sha256: hashToken(reader) }]),
        sessions,
        overview,
        environment: 'local',
        log: createLogger({ level: 'silent' }),
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });

  /** A real HTTP request (node:http lets a test set Host, Origin and Sec-Fetch-Site). */
  const call = (req: {
    method?: string;
    url: string;
    headers?: Record<string, string>;
    payload?: string;
  }): Promise<{ statusCode: number; headers: IncomingHttpHeaders; body: string }> =>
    new Promise((resolve, reject) => {
      const r = request(
        {
          host: '127.0.0.1',
          port,
          method: req.method ?? 'GET',
          path: req.url,
          headers: req.headers,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }),
          );
        },
      );
      r.on('error', reject);
      r.end(req.payload);
    });

  afterAll(() => app.close());

  const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
  const login = (token: string, headers: Record<string, string> = {}) =>
    call({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: form({ token }),
    });
  const cookieOf = (setCookie: unknown): string =>
    (String(setCookie).split(';')[0] as string).split('=')[1] as string;

  it('shows only the login form without a session', async () => {
    const res = await call({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('id="login"');
    expect(res.body).not.toContain('data-domain');
    expect(res.body).not.toContain('orders.order-created');
  });

  it('refuses a wrong or empty token without a cookie', async () => {
    const wrong = await login(generateToken());
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.body).toContain('That token is not valid.');
    expect((await login('  ')).statusCode).toBe(400);
  });

  it('refuses a login posted from another site', async () => {
    const res = await login(reader, { origin: 'https://evil.example', host: 'localhost:80' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await login(reader, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
  });

  it('exchanges a token for a session cookie that is not the token', async () => {
    const res = await login(` ${reader} `, { origin: 'http://localhost:80', host: 'localhost:80' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('./');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(
      /^streamplane_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict$/,
    );
    expect(set).not.toContain(reader);
    expect(set).not.toContain(hashToken(reader));
    const page = await call({
      url: '/',
      headers: { cookie: `streamplane_session=${cookieOf(set)}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('signed in as <b id="caller">dash</b> (reader)');
    expect(page.body).toContain('data-domain="orders"');
    expect(page.body).toContain('not compared with the cluster yet');
  });

  it('ends the previous session on a new login', async () => {
    const first = cookieOf((await login(reader)).headers['set-cookie']);
    const second = await login(reader, { cookie: `streamplane_session=${first}` });
    expect(second.statusCode).toBe(303);
    expect(sessions.get(first)).toBeUndefined();
    expect(sessions.get(cookieOf(second.headers['set-cookie']))).toBeDefined();
  });

  it('marks the cookie Secure behind a TLS proxy', async () => {
    const res = await login(reader, { 'x-forwarded-proto': 'https' });
    expect(String(res.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('treats an unknown or ended session as none, and clears its cookie', async () => {
    const res = await call({
      url: '/',
      headers: { cookie: `streamplane_session=${'A'.repeat(43)}` },
    });
    expect(res.body).toContain('Your session has ended');
    expect(res.body).not.toContain('data-domain');
    expect(String(res.headers['set-cookie'])).toContain('Max-Age=0');
  });

  it("logs out only with the page's anti-CSRF value, then forgets the session", async () => {
    const id = cookieOf((await login(reader)).headers['set-cookie']);
    const session = sessions.get(id)!;
    const logout = (csrf: string) =>
      call({
        method: 'POST',
        url: '/logout',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `streamplane_session=${id}`,
        },
        payload: form({ csrf }),
      });
    expect((await logout('forged')).statusCode).toBe(403);
    expect(sessions.get(id)).toBeDefined();
    const out = await logout(session.csrf);
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/^streamplane_session=; Path=\/; Max-Age=0;/);
    expect(sessions.get(id)).toBeUndefined();
    const after = await call({ url: '/', headers: { cookie: `streamplane_session=${id}` } });
    expect(after.body).toContain('id="login"');
  });
});
