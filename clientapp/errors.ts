// Failures a developer can act on, each as one line that says what to do. Anything else is a
// bug and keeps its stack trace.
import type { TopicBinding } from './topic';
import { resourcePrefixOfAppId } from '../catalog/naming';

export class ClientError extends Error {
  override readonly name: string = 'ClientError';
}

export class SchemaValidationError extends ClientError {
  override readonly name = 'SchemaValidationError';
  constructor(
    readonly topic: string,
    readonly problems: readonly string[],
  ) {
    super(`value for ${topic} does not match its schema: ${problems.join('; ')}`);
  }
}

export class UnknownSchemaError extends ClientError {
  override readonly name = 'UnknownSchemaError';
  constructor(
    readonly subject: string,
    registryUrl?: string,
  ) {
    super(
      `schema subject ${subject} is not registered${registryUrl ? ` in ${registryUrl}` : ''}: ` +
        'run the reconciler / apply the catalog (npm start), then regenerate types if it changed',
    );
  }
}

export class WireFormatError extends ClientError {
  override readonly name = 'WireFormatError';
  constructor(topic: string, detail = 'not in the Confluent wire format (magic byte 0 + id)') {
    super(`a message on ${topic} cannot be decoded: ${detail}`);
  }
}

export class ConfigError extends ClientError {
  override readonly name = 'ConfigError';
}

/**
 * A Kafka client failure, named as the Kafka protocol names it (TOPIC_AUTHORIZATION_FAILED, …)
 * or, for the client's own conditions, with a leading underscore (_AUTHENTICATION, _TRANSPORT),
 * as librdkafka does. clientapp/kafka.ts turns its library's errors into these.
 */
export class KafkaFailure extends Error {
  override readonly name = 'KafkaFailure';
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export type Role = 'producer' | 'consumer';

export interface ErrorContext {
  /** App id, "domain/app". */
  app: string;
  role: Role;
  topic?: TopicBinding<unknown>;
  /** The topic name actually used (with a test prefix, if any). */
  topicName?: string;
  group?: string;
  principal?: string;
  bootstrap: string;
  registryUrl?: string;
}

interface ErrorLike {
  name?: string;
  type?: string;
  code?: string;
  message?: string;
  status?: number;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown[];
}

/** Every error in a Kafka / registry cause chain, outermost first. */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const el = e as ErrorLike;
    out.push(el);
    visit(el.cause);
    visit(el.originalError);
    for (const inner of el.errors ?? []) visit(inner);
  };
  visit(err);
  return out;
}

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|Connection timeout/;
/** What the Kafka client reports when no broker answers (in time). */
const NO_BROKER = new Set(['_TRANSPORT', '_ALL_BROKERS_DOWN', '_RESOLVE', '_TIMED_OUT']);

/** Turns a Kafka or registry failure into a one-line ClientError where we know the cause. */
export function explain(err: unknown, ctx: ErrorContext): Error {
  if (err instanceof ClientError) return err;
  const all = chain(err);
  const has = (pred: (e: ErrorLike) => boolean): boolean => all.some(pred);
  const topicName = ctx.topicName ?? ctx.topic?.name ?? 'the topic';

  if (has((e) => e.type === '_AUTHENTICATION' || e.type === 'SASL_AUTHENTICATION_FAILED')) {
    return new ClientError(
      `authentication failed for ${ctx.principal ?? ctx.app} at ${ctx.bootstrap}: check ` +
        'KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD (locally: `npm run local:up` provisions every app)',
    );
  }
  if (has((e) => e.type === 'TOPIC_AUTHORIZATION_FAILED')) {
    return topicDenied(ctx, topicName);
  }
  // An app that is no consumer of the topic has no group grant either, and which refusal
  // arrives first is a race: name the one fix that covers both.
  if (
    has((e) => e.type === 'GROUP_AUTHORIZATION_FAILED') &&
    ctx.role === 'consumer' &&
    ctx.topic &&
    !ctx.topic.consumers.includes(ctx.app)
  ) {
    return topicDenied(ctx, topicName);
  }
  if (has((e) => e.type === 'GROUP_AUTHORIZATION_FAILED')) {
    return groupDenied(ctx.app, ctx.group ?? '(unknown)', true);
  }
  // An idempotent producer needs WRITE on some topic (KIP-679): an app that produces nothing
  // is refused at InitProducerId, before it ever names the topic.
  if (ctx.role === 'producer' && has((e) => e.type === 'CLUSTER_AUTHORIZATION_FAILED')) {
    return topicDenied(ctx, topicName);
  }
  if (has((e) => e.type === 'CLUSTER_AUTHORIZATION_FAILED')) {
    return new ClientError(
      `${ctx.app} was refused a cluster-level operation on ${ctx.bootstrap}: ` +
        'apps only get topic, group and transactional-id grants from the catalog',
    );
  }
  if (has((e) => e.name === 'RegistryError' && (e.status === 401 || e.status === 403))) {
    return new ClientError(
      `the schema registry at ${ctx.registryUrl ?? '(unknown)'} refused ${ctx.app}'s credentials: ` +
        'check SCHEMA_REGISTRY_API_KEY/SCHEMA_REGISTRY_API_SECRET',
    );
  }
  const unreachable = all.find((e) => UNREACHABLE.test(`${e.code ?? ''} ${e.message ?? ''}`));
  if (
    unreachable &&
    (all.some((e) => /^schema registry at .* unreachable/.test(e.message ?? '')) ||
      (ctx.registryUrl && unreachable.message?.includes(hostOf(ctx.registryUrl))))
  ) {
    return new ClientError(
      `cannot reach the schema registry at ${ctx.registryUrl}: is it running? (npm run local:up)`,
    );
  }
  if (unreachable || has((e) => NO_BROKER.has(e.type ?? ''))) {
    return new ClientError(
      `cannot reach the Kafka broker at ${ctx.bootstrap}: is it running? (npm run local:up), ` +
        'or check KAFKA_BOOTSTRAP_SERVERS',
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Names the topic and the grant the catalog would have to give. */
function topicDenied(ctx: ErrorContext, topicName: string): ClientError {
  const list = ctx.role === 'producer' ? 'producers' : 'consumers';
  const declared = ctx.topic?.[list].includes(ctx.app) ?? false;
  if (declared) {
    return new ClientError(
      `${ctx.app} is a ${ctx.role} of ${topicName} in the catalog but the cluster denies it: ` +
        'run the reconciler / apply the catalog (npm start) to create its ACLs',
    );
  }
  const file = ctx.topic?.catalogFile ?? 'topics/<domain>.yaml';
  const key = ctx.topic ? ` of ${ctx.topic.key}` : '';
  return new ClientError(
    `${ctx.app} is not a ${ctx.role} of ${topicName}: add it to ${list}${key} in ${file}`,
  );
}

/** Consumer groups are PREFIXED grants on the app's prefix, "domain.app.". */
export function groupDenied(app: string, group: string, byCluster = false): ClientError {
  const prefix = resourcePrefixOfAppId(app);
  const hint = group.startsWith(prefix)
    ? 'run the reconciler / apply the catalog (npm start) to create its group ACL'
    : `its groups must start with "${prefix}"`;
  return new ClientError(
    `${app} may not use consumer group ${group}${byCluster ? ' (denied by the cluster)' : ''}: ${hint}`,
  );
}
