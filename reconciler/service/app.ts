// The HTTP API. Unauthenticated probes and metrics; everything under /api/v1 needs a bearer
// token: readers may GET, operators may also POST. The status page at / logs in with a token
// once and then holds a session cookie, which may also GET /api/v1 (the page's own refresh) but
// never POST: a POST needs the bearer token, so no other site can make a browser send one.
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clients } from '../cluster/clients';
import { renderPlan } from '../plan/render';
import type { PlanFormat } from '../plan/render';
import type { Logger } from '../log';
import type { Caller, Role, TokenVerifier } from './auth';
import type { Controller } from './controller';
import type { ObservedPlan } from './status-store';
import { RateLimiter, cachedFor } from './limits';
import type { Limited } from './limits';
import type { Metrics } from './metrics';
import { contentSecurityPolicy, newNonce, renderLoginPage, renderStatusPage } from './page';
import type { Session, SessionStore } from './session';
import {
  SESSION_COOKIE,
  cameOverTls,
  clearedCookie,
  csrfMatches,
  parseCookies,
  sessionCookie,
} from './session';
import type { Reconciliation } from './store';
import type { StatusView } from './view';
import type { ReconciliationRequest } from './kafka-io';

export const BODY_LIMIT = 16 * 1024;

/** What a POST may say of a reconciliation request (the service adds its id and environment). */
const reconciliationBody = z.strictObject({
  reason: z.string().max(500).optional(),
  requestedBy: z.string().max(200).optional(),
  dryRun: z.boolean().optional(),
}) satisfies z.ZodType<Omit<ReconciliationRequest, 'requestId' | 'environment'>>;

export type ReconciliationBody = z.infer<typeof reconciliationBody>;

export interface AppOptions {
  readonly controller: Controller;
  readonly clients: Clients;
  readonly tokens: TokenVerifier;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Accepts a POSTed reconciliation: runs it here (leader) or hands it to the leader. */
  readonly submit: (body: ReconciliationBody) => Promise<Reconciliation>;
  /** The status page's sessions. */
  readonly sessions: SessionStore;
  /** What the status page and GET /api/v1/overview show. */
  readonly overview: { view(): StatusView };
  readonly environment: string;
  /** Seconds between the page's checks for changes (10). */
  readonly pageRefreshSeconds?: number;
  /** Per-client budgets (defaults: DEFAULT_LIMITS). */
  readonly limits?: Partial<ApiLimits>;
}

export interface ApiLimits {
  /** GETs under /api/v1 other than /status, per token holder: a burst, then a rate. */
  readonly readBurst: number;
  readonly readsPerSecond: number;
  /** POSTed reconciliations per operator token: each one is a pass over the whole cluster. */
  readonly passBurst: number;
  readonly passesPerMinute: number;
  /** GET /plan?fresh=true (a read of the cluster) at most this often per token holder. */
  readonly freshEverySeconds: number;
  /** /readyz checks Kafka and the registry at most this often, whatever the probe rate. */
  readonly readyCacheMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  readBurst: 50,
  readsPerSecond: 20,
  passBurst: 10,
  passesPerMinute: 30,
  freshEverySeconds: 10,
  readyCacheMs: 2_000,
};

/**
 * A route's accepted request media types, checked before the body is parsed: any other
 * Content-Type on a request with a body gets 415 and says what to send instead (Fastify would
 * otherwise parse text/plain into a string and fail later with a misleading 400).
 */
export function acceptsOnly(...types: readonly string[]) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const length = req.headers['content-length'];
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (!hasBody) return;
    const raw = req.headers['content-type'];
    const media = (raw ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (types.includes(media)) return;
    await reply.status(415).send({
      error: 'unsupported_media_type',
      message:
        `${raw === undefined ? 'a body without a Content-Type' : `Content-Type ${media || raw}`} ` +
        `is not supported here: send ${types.join(' or ')}`,
    });
  };
}

const JSON_ONLY = acceptsOnly('application/json');

function ageSeconds(observedAt: string): number {
  return Math.max(0, Math.round((Date.now() - Date.parse(observedAt)) / 1000));
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

export function buildApp(opts: AppOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  // No route takes plain text: without a parser for it, any route answers it with 415.
  app.removeContentTypeParser('text/plain');

  // Requests are logged without headers: the Authorization header never reaches a log line.
  app.addHook('onResponse', async (req, reply) => {
    opts.log.debug(
      {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'http',
    );
  });

  app.setErrorHandler(
    (err: { statusCode?: number; message: string; code?: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) opts.log.error({ err: err.message }, 'request failed');
      void reply.status(status).send({
        error:
          status === 413
            ? 'payload_too_large'
            : status === 415
              ? 'unsupported_media_type'
              : status >= 500
                ? 'internal'
                : 'bad_request',
        message: status >= 500 ? 'internal error' : err.message,
      });
    },
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const check = async (fn: () => Promise<void>): Promise<string> =>
    fn().then(
      () => 'ok',
      (err: Error) => err.message,
    );
  // One check of each serves every probe for a moment: probes never add load to the cluster.
  const readiness = cachedFor(limits.readyCacheMs, async () => {
    const [kafka, registry] = await Promise.all([
      check(() => opts.clients.admin.ping()),
      check(() => opts.clients.registry.ping()),
    ]);
    return { ready: kafka === 'ok' && registry === 'ok', kafka, registry };
  });

  app.get('/readyz', async (_req, reply) => {
    const r = await readiness();
    return reply.status(r.ready ? 200 : 503).send(r);
  });

  app.get('/metrics', async (_req, reply) =>
    reply.type(opts.metrics.contentType).send(await opts.metrics.render()),
  );

  app.register(pageRoutes(opts));

  const guard =
    (role: Role) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const header = req.headers.authorization;
      // Without an Authorization header, the page's session may read; a wrong bearer token
      // never falls back to the cookie.
      const session = header === undefined ? sessionOf(req, opts.sessions).session : undefined;
      const caller: Caller | undefined =
        opts.tokens.verify(header) ??
        (role === 'reader' && req.method === 'GET' ? session?.caller : undefined);
      if (!caller) {
        await reply
          .status(401)
          .header('WWW-Authenticate', 'Bearer realm="reconciler"')
          .send({
            error: 'unauthorized',
            message: session
              ? "a valid bearer token is required: the status page's session may only read"
              : 'a valid bearer token is required',
          });
        return;
      }
      if (role === 'operator' && caller.role !== 'operator') {
        await reply.status(403).send({
          error: 'forbidden',
          message: `${caller.role} tokens may only read; this needs an operator token`,
        });
        return;
      }
      callers.set(req, caller);
    };

  const callers = new WeakMap<FastifyRequest, Caller>();
  const reads = new RateLimiter({ burst: limits.readBurst, perSecond: limits.readsPerSecond });
  const passes = new RateLimiter({
    burst: limits.passBurst,
    perSecond: limits.passesPerMinute / 60,
  });
  const fresh = new RateLimiter({ burst: 1, perSecond: 1 / limits.freshEverySeconds });
  const tooMany = (reply: FastifyReply, limited: Limited, what: string) =>
    reply
      .status(429)
      .header('Retry-After', String(limited.retryAfterSeconds))
      .send({
        error: 'too_many_requests',
        message: `${what}: retry after ${limited.retryAfterSeconds} s`,
        retryAfterSeconds: limited.retryAfterSeconds,
      });
  /** After the guard: the budget of the token holder it let in. */
  const budget =
    (limiter: RateLimiter, what: string) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const caller = callers.get(req);
      const taken = limiter.take(caller ? `${caller.role}:${caller.name}` : req.ip);
      if (!taken.ok) await tooMany(reply, taken, what);
    };
  const reader = [guard('reader'), budget(reads, 'too many requests for this token')];

  app.register(
    async (api) => {
      api.post(
        '/reconciliations',
        {
          onRequest: JSON_ONLY,
          preHandler: [
            guard('operator'),
            budget(passes, 'too many reconciliations requested with this token'),
          ],
        },
        async (req, reply) => {
          const parsed = reconciliationBody.safeParse(req.body ?? {});
          if (!parsed.success)
            return reply
              .status(400)
              .send({ error: 'bad_request', message: zodMessage(parsed.error) });
          const rec = await opts.submit(parsed.data);
          return reply
            .status(202)
            .header('Location', `/api/v1/reconciliations/${rec.id}`)
            .send({ id: rec.id, state: 'accepted', ...(rec.forwarded ? { forwarded: true } : {}) });
        },
      );

      api.get('/reconciliations', { preHandler: reader }, async () => ({
        items: opts.controller.store.recent(),
      }));

      api.get<{ Params: { id: string } }>(
        '/reconciliations/:id',
        { preHandler: reader },
        async (req, reply) => {
          const rec = opts.controller.store.get(req.params.id);
          if (!rec)
            return reply
              .status(404)
              .send({ error: 'not_found', message: `no reconciliation ${req.params.id}` });
          return rec;
        },
      );

      // From memory (built once per comparison), so no budget: it stays fast for any number.
      // Serialized once per snapshot and second of age, however many ask within it.
      let statusBody: { snap: object; age: number; json: string } | undefined;
      api.get('/status', { preHandler: guard('reader') }, async (_req, reply) => {
        const snap = opts.controller.snapshot();
        const age = snap.observedAt ? ageSeconds(snap.observedAt) : -1;
        if (statusBody?.snap !== snap || statusBody.age !== age)
          statusBody = {
            snap,
            age,
            json: JSON.stringify(age >= 0 ? { ...snap, ageSeconds: age } : snap),
          };
        return reply.type('application/json; charset=utf-8').send(statusBody.json);
      });

      api.get('/overview', { preHandler: reader }, async (_req, reply) =>
        reply.header('Cache-Control', 'no-store').send(opts.overview.view()),
      );

      // The last comparison's plan, with its age; `fresh=true` asks for a new read of the
      // cluster, which every client gets at most every freshEverySeconds and all share.
      api.get<{ Querystring: { format?: string; fresh?: string } }>(
        '/plan',
        { preHandler: reader },
        async (req, reply) => {
          const format = (req.query.format ?? 'json') as PlanFormat;
          if (!['json', 'human', 'markdown'].includes(format))
            return reply
              .status(400)
              .send({ error: 'bad_request', message: 'format: json, human or markdown' });
          const wantsFresh = req.query.fresh === 'true' || req.query.fresh === '1';
          if (wantsFresh) {
            const caller = callers.get(req);
            const taken = fresh.take(caller ? `${caller.role}:${caller.name}` : req.ip);
            if (!taken.ok)
              return tooMany(
                reply,
                taken,
                `a fresh plan is read at most every ${limits.freshEverySeconds} s per token`,
              );
          }
          let observed: ObservedPlan;
          try {
            observed = await opts.controller.readPlan({ fresh: wantsFresh });
          } catch (err) {
            return reply
              .status(503)
              .header('Retry-After', '5')
              .send({
                error: 'unavailable',
                message: `no plan yet: ${(err as Error).message}`,
              });
          }
          const age = ageSeconds(observed.observedAt);
          void reply
            .header('Age', String(age))
            .header('Last-Modified', new Date(observed.observedAt).toUTCString())
            .header('Cache-Control', 'no-store');
          if (format === 'json')
            return { ...observed.plan, observedAt: observed.observedAt, ageSeconds: age };
          return reply
            .type(
              format === 'markdown' ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8',
            )
            .send(renderPlan(observed.plan, format));
        },
      );
    },
    { prefix: '/api/v1' },
  );

  return app;
}

/** The session behind the request's cookie, if it is live. */
export function sessionOf(
  req: FastifyRequest,
  sessions: SessionStore,
): { id?: string; session?: Session } {
  const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  const session = sessions.get(id);
  return { ...(id !== undefined ? { id } : {}), ...(session ? { session } : {}) };
}

/**
 * A browser's POST from a page of this site: its Origin (sent with every form POST) names this
 * host, and Sec-Fetch-Site does not say another site. Tools that send neither header pass: they
 * carry no cookie a forged form could ride on.
 */
export function sameSite(req: FastifyRequest): boolean {
  // Set by the browser itself, which no page can forge; older browsers send Origin only.
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite !== undefined) return fetchSite === 'same-origin' || fetchSite === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false; // "null" and anything else that is not a URL
  }
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])]
    .filter((h): h is string => typeof h === 'string')
    .flatMap((h) => h.split(',').map((x) => x.trim()));
  // Host as the origin's scheme reads it: "example.com:443" is https://example.com.
  return hosts.some((h) => {
    try {
      return new URL(`${from.protocol}//${h}`).host === from.host;
    } catch {
      return false;
    }
  });
}

type PageRouteOptions = Pick<
  AppOptions,
  'tokens' | 'sessions' | 'overview' | 'environment' | 'log' | 'pageRefreshSeconds'
>;

/**
 * The status page: GET / (the page, or the login form), POST /login (a token in, a session
 * cookie out) and POST /logout. Links and forms are relative, so the page also works under a
 * path prefix of a proxy.
 */
export function pageRoutes(opts: PageRouteOptions) {
  return async (scope: FastifyInstance): Promise<void> => {
    // HTML forms post urlencoded; only these routes parse it (the API takes JSON only).
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );

    const html = (reply: FastifyReply, status: number, nonce: string, body: string) =>
      reply
        .status(status)
        .headers({
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': contentSecurityPolicy(nonce),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'X-Frame-Options': 'DENY',
          // Not no-referrer: that makes a browser send "Origin: null" with the page's own forms.
          'Referrer-Policy': 'same-origin',
        })
        .send(body);

    const login = (reply: FastifyReply, status: number, message?: string) => {
      const nonce = newNonce();
      return html(
        reply,
        status,
        nonce,
        renderLoginPage({
          environment: opts.environment,
          nonce,
          ...(message ? { message } : {}),
        }),
      );
    };

    const field = (body: unknown, name: string): string | undefined => {
      const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : '';
      return typeof v === 'string' ? v : undefined;
    };

    scope.get('/', async (req, reply) => {
      const { id, session } = sessionOf(req, opts.sessions);
      if (!session) {
        if (id !== undefined) {
          void reply.header('Set-Cookie', clearedCookie({ secure: cameOverTls(req.raw) }));
          return login(reply, 200, 'Your session has ended: log in again.');
        }
        return login(reply, 200);
      }
      const nonce = newNonce();
      return html(
        reply,
        200,
        nonce,
        renderStatusPage(opts.overview.view(), {
          caller: session.caller,
          csrf: session.csrf,
          nonce,
          ...(opts.pageRefreshSeconds ? { refreshSeconds: opts.pageRefreshSeconds } : {}),
        }),
      );
    });

    // A reload of the URL a form posted to lands on the page.
    for (const path of ['/login', '/logout'])
      scope.get(path, async (_req, reply) => reply.status(303).header('Location', './').send());

    // A browser's form posts urlencoded; tools may post the same fields as JSON.
    const FORM = acceptsOnly('application/x-www-form-urlencoded', 'application/json');

    scope.post('/login', { onRequest: FORM }, async (req, reply) => {
      if (!sameSite(req)) return login(reply, 403, 'Log in from this page, not from another site.');
      const token = field(req.body, 'token')?.trim() ?? '';
      if (token === '') return login(reply, 400, 'Enter a reader or operator token.');
      const caller = opts.tokens.verifyToken(token);
      if (!caller) {
        opts.log.warn({ ip: req.ip }, 'status page: login refused (unknown token)');
        return login(reply, 401, 'That token is not valid.');
      }
      // A login replaces the browser's previous session rather than leaving it alive.
      opts.sessions.delete(sessionOf(req, opts.sessions).id);
      const { id } = opts.sessions.create(caller);
      opts.log.info({ caller: caller.name, role: caller.role }, 'status page: login');
      return reply
        .status(303)
        .header(
          'Set-Cookie',
          sessionCookie(id, {
            secure: cameOverTls(req.raw),
            maxAgeSeconds: opts.sessions.ttlMs / 1000,
          }),
        )
        .header('Cache-Control', 'no-store')
        .header('Location', './')
        .send();
    });

    scope.post('/logout', { onRequest: FORM }, async (req, reply) => {
      const { id, session } = sessionOf(req, opts.sessions);
      if (session && (!sameSite(req) || !csrfMatches(session, field(req.body, 'csrf')))) {
        return reply
          .status(403)
          .type('text/plain; charset=utf-8')
          .send('logout refused: use the Log out button of the page (reload it first)');
      }
      if (session) {
        opts.sessions.delete(id);
        opts.log.info({ caller: session.caller.name }, 'status page: logout');
      }
      return reply
        .status(303)
        .header('Set-Cookie', clearedCookie({ secure: cameOverTls(req.raw) }))
        .header('Location', './')
        .send();
    });
  };
}
