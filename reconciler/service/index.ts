// Wires the service: clients, Kafka in/out and leadership, the loop, the HTTP API and the page.
import { randomUUID } from 'node:crypto';
import { RECONCILER_APP, appResourcePrefix } from '../../catalog/naming';
import { loadEnvironment } from '../catalog-source';
import { openClients } from '../cluster/clients';
import type { Clients, OpenClients } from '../cluster/clients';
import type { Connection } from '../cluster/connection';
import type { Logger } from '../log';
import { createLogger, registerSecrets } from '../log';
import type { Mode } from '../reconcile';
import { desiredState } from '../state/desired';
import { buildApp } from './app';
import type { ApiLimits, ReconciliationBody } from './app';
import { TokenVerifier } from './auth';
import type { TokenConfig } from './auth';
import { Controller } from './controller';
import { KafkaIo, ioTopics } from './kafka-io';
import { Metrics } from './metrics';
import { SessionStore } from './session';
import type { Reconciliation } from './store';
import { Overview } from './view';

export interface ServiceConfig {
  /** Catalog directory. */
  readonly root: string;
  readonly environment: string;
  readonly mode: Mode;
  readonly intervalMs: number;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tokens: readonly TokenConfig[];
  readonly connection: Connection;
  /** The catalog domain that declares the reconciler's own topics. */
  readonly ioDomain?: string;
  /** Consumer group of the requests topic; its partition-0 owner leads. */
  readonly groupId?: string;
  readonly log?: Logger;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** Base of the status page's links to catalog lines (RECONCILER_CATALOG_URL). */
  readonly catalogUrl?: string;
  /** Seconds between the status page's checks for changes (10). */
  readonly pageRefreshSeconds?: number;
  /** Per-client budgets of the API (app.ts DEFAULT_LIMITS). */
  readonly limits?: Partial<ApiLimits>;
  /** Reads of the plan refresh it at most this often (5 s). */
  readonly refreshMinMs?: number;
  /** Clients already open (tests count what reaches the cluster); closed by the caller. */
  readonly clients?: Clients;
}

export interface RunningService {
  readonly url: string;
  readonly controller: Controller;
  readonly metrics: Metrics;
  isLeader(): boolean;
  close(): Promise<void>;
}

export async function startService(config: ServiceConfig): Promise<RunningService> {
  const log = config.log ?? createLogger();
  const sasl = config.connection.kafka.sasl as { password?: string } | undefined;
  registerSecrets(sasl?.password, config.connection.registry.password);
  const ioDomain = config.ioDomain ?? RECONCILER_APP.domain;
  const env = loadEnvironment(config.root, config.environment);
  const opened = config.clients ? undefined : await openClients(config.connection);
  const clients: Clients = config.clients ?? (opened as OpenClients);
  const metrics = new Metrics();
  const topics = ioTopics(env, ioDomain);

  let io: KafkaIo | undefined;
  if (topics) {
    const io_ = topics;
    const ioNames = [
      io_.requests,
      io_.events,
      io_.errors,
      io_.summary,
      ...(io_.jobs ? [io_.jobs] : []),
    ];
    if (config.mode === 'enforce') {
      // The requests topic must exist before the group can elect anyone: create the platform's
      // own topics up front (idempotent), the first pass then does the rest (ACLs, subjects).
      await clients.admin.createTopics(
        env.topics
          .filter((t) => ioNames.includes(t.name))
          .map((t) => ({
            name: t.name,
            partitions: t.partitions,
            replicationFactor: t.replicationFactor,
            config: t.config,
          })),
      );
    }
    const existing = new Set((await clients.admin.describeTopics()).map((t) => t.name));
    if (existing.has(io_.requests)) {
      const { jobs, ...rest } = io_;
      if (jobs && !existing.has(jobs))
        log.warn({ topic: jobs }, 'jobs topic missing: reconciliations stay on this replica');
      io = new KafkaIo({
        connection: config.connection,
        topics: jobs && existing.has(jobs) ? io_ : rest,
        groupId: config.groupId ?? `${appResourcePrefix(ioDomain, RECONCILER_APP.name)}service`,
        environment: env.name,
        log,
        onRequest: (r) =>
          controller.request({
            source: 'kafka',
            id: r.requestId,
            ...(r.reason ? { reason: r.reason } : {}),
            ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}),
            ...(r.dryRun !== undefined ? { dryRun: r.dryRun } : {}),
          }),
        onJob: (job) => controller.observeJob(job),
        onLeadership: (leader) => {
          metrics.leader.set(leader ? 1 : 0);
          log.info(
            { leader },
            leader ? 'leading: this replica applies' : 'following: serving reads',
          );
          controller.kick();
        },
      });
    } else {
      log.warn(
        { topic: io_.requests },
        'requests topic missing: no Kafka in/out, this replica leads alone',
      );
    }
  } else {
    log.warn({ ioDomain }, 'the catalog declares no reconciler topics: no Kafka in/out');
  }

  const isLeader = (): boolean => (io ? io.isLeader() : true);
  if (!io) metrics.leader.set(1);
  const controller: Controller = new Controller({
    mode: config.mode,
    intervalMs: config.intervalMs,
    clients,
    desired: () =>
      desiredState(loadEnvironment(config.root, config.environment), config.connection.naming),
    metrics,
    log,
    isLeader,
    onTransition: (rec) => io?.publishJob(rec) ?? Promise.resolve(),
    onPass: async (report) => {
      await io?.publishPass(report);
    },
    ...(config.batchSize ? { batchSize: config.batchSize } : {}),
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(config.refreshMinMs !== undefined ? { refreshMinMs: config.refreshMinMs } : {}),
  });

  const overview = new Overview({
    root: config.root,
    environment: env.name,
    controller,
    principalOf: config.connection.principalOf,
    ...(config.catalogUrl !== undefined ? { catalogUrl: config.catalogUrl } : {}),
  });

  const submit = async (body: ReconciliationBody): Promise<Reconciliation> => {
    if (isLeader() || !io) return controller.request({ source: 'api', ...body });
    const id = randomUUID();
    // "accepted" is on the jobs topic before the leader can write "running" after it.
    const rec = controller.recordForwarded({ id, ...body });
    await io.flushJobs();
    try {
      await io.forward({ requestId: id, environment: env.name, ...body });
    } catch (err) {
      controller.abandon(id, `not forwarded to the leader: ${(err as Error).message}`);
      throw err;
    }
    return rec;
  };

  const app = buildApp({
    controller,
    clients,
    tokens: new TokenVerifier(config.tokens),
    metrics,
    log,
    submit,
    sessions: new SessionStore(),
    overview,
    environment: env.name,
    ...(config.pageRefreshSeconds ? { pageRefreshSeconds: config.pageRefreshSeconds } : {}),
    ...(config.limits ? { limits: config.limits } : {}),
  });
  await io?.start();
  const address = await app.listen({ host: config.host, port: config.port });
  controller.start();
  log.info(
    { url: address, environment: env.name, mode: config.mode, cluster: config.connection.label },
    'reconciler serving',
  );

  let closing: Promise<void> | undefined;
  return {
    url: address,
    controller,
    metrics,
    isLeader,
    close: () =>
      (closing ??= (async () => {
        await controller.stop();
        await io?.stop();
        await app.close();
        await opened?.close();
        log.info('reconciler stopped');
      })()),
  };
}
