// The HTTP API. Unauthenticated probes and metrics; everything under /api/v1 needs a bearer
// token: readers may GET, operators may also POST.
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clients } from '../apply/executor';
import { renderPlan } from '../plan/render';
import type { PlanFormat } from '../plan/render';
import type { Logger } from '../log';
import type { Role, TokenVerifier } from './auth';
import type { Controller } from './controller';
import type { Metrics } from './metrics';
import type { Reconciliation } from './store';

export const BODY_LIMIT = 16 * 1024;

const reconciliationBody = z.strictObject({
  reason: z.string().max(500).optional(),
  requestedBy: z.string().max(200).optional(),
  dryRun: z.boolean().optional(),
});

export type ReconciliationBody = z.infer<typeof reconciliationBody>;

export interface AppOptions {
  readonly controller: Controller;
  readonly clients: Clients;
  readonly tokens: TokenVerifier;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Accepts a POSTed reconciliation: runs it here (leader) or hands it to the leader. */
  readonly submit: (body: ReconciliationBody) => Promise<Reconciliation>;
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

export function buildApp(opts: AppOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });

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
        error: status === 413 ? 'payload_too_large' : status >= 500 ? 'internal' : 'bad_request',
        message: status >= 500 ? 'internal error' : err.message,
      });
    },
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const check = async (fn: () => Promise<void>): Promise<string> =>
      fn().then(
        () => 'ok',
        (err: Error) => err.message,
      );
    const [kafka, registry] = await Promise.all([
      check(() => opts.clients.admin.ping()),
      check(() => opts.clients.registry.ping()),
    ]);
    const ready = kafka === 'ok' && registry === 'ok';
    return reply.status(ready ? 200 : 503).send({ ready, kafka, registry });
  });

  app.get('/metrics', async (_req, reply) =>
    reply.type(opts.metrics.contentType).send(await opts.metrics.render()),
  );

  const guard =
    (role: Role) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const caller = opts.tokens.verify(req.headers.authorization);
      if (!caller) {
        await reply
          .status(401)
          .header('WWW-Authenticate', 'Bearer realm="reconciler"')
          .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
        return;
      }
      if (role === 'operator' && caller.role !== 'operator') {
        await reply.status(403).send({
          error: 'forbidden',
          message: `${caller.role} tokens may only read; this needs an operator token`,
        });
      }
    };

  app.register(
    async (api) => {
      api.post('/reconciliations', { preHandler: guard('operator') }, async (req, reply) => {
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
      });

      api.get('/reconciliations', { preHandler: guard('reader') }, async () => ({
        items: opts.controller.store.recent(),
      }));

      api.get<{ Params: { id: string } }>(
        '/reconciliations/:id',
        { preHandler: guard('reader') },
        async (req, reply) => {
          const rec = opts.controller.store.get(req.params.id);
          if (!rec)
            return reply
              .status(404)
              .send({ error: 'not_found', message: `no reconciliation ${req.params.id}` });
          return rec;
        },
      );

      api.get('/status', { preHandler: guard('reader') }, async () => opts.controller.snapshot());

      api.get<{ Querystring: { format?: string } }>(
        '/plan',
        { preHandler: guard('reader') },
        async (req, reply) => {
          const format = (req.query.format ?? 'json') as PlanFormat;
          if (!['json', 'human', 'markdown'].includes(format))
            return reply
              .status(400)
              .send({ error: 'bad_request', message: 'format: json, human or markdown' });
          const plan = await opts.controller.currentPlan();
          if (format === 'json') return plan;
          return reply
            .type(
              format === 'markdown' ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8',
            )
            .send(renderPlan(plan, format));
        },
      );
    },
    { prefix: '/api/v1' },
  );

  return app;
}
