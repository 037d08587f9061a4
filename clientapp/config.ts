// Connection settings for one catalog app, from one of two places:
//  - environment variables (KAFKA_BOOTSTRAP_SERVERS, …), as written by
//    scripts/clientapp-credentials.ts from the deployed stacks, or by hand;
//  - otherwise the local stack's credentials file (the default on a developer's machine).
// Parsed with zod; secrets are never printed (see `describe`).
import { z } from 'zod';
import {
  LocalStackMissing,
  SASL_MECHANISM,
  readAddressBook,
  readLocalCredentials,
} from '../shared/local-stack';
import { ConfigError } from './errors';
import { principalOfAppId, resourcePrefixOfAppId } from '../catalog/naming';

export const APP_ID = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/;

/**
 * The client app's configuration contract: the variables it reads, by setting. The runtime stack
 * and `clientapp:credentials` write these names; `configFromEnv` reads them.
 */
export const CLIENT_VARS = {
  /** The catalog app whose credentials these are ("domain/app"). */
  app: 'STREAMPLANE_APP',
  bootstrap: 'KAFKA_BOOTSTRAP_SERVERS',
  securityProtocol: 'KAFKA_SECURITY_PROTOCOL',
  saslMechanism: 'KAFKA_SASL_MECHANISM',
  saslUsername: 'KAFKA_SASL_USERNAME',
  saslPassword: 'KAFKA_SASL_PASSWORD',
  registryUrl: 'SCHEMA_REGISTRY_URL',
  registryApiKey: 'SCHEMA_REGISTRY_API_KEY',
  registryApiSecret: 'SCHEMA_REGISTRY_API_SECRET',
} as const;

const mechanism = z.enum(['scram-sha-512', 'scram-sha-256', 'plain']);

export const clientConfig = z.object({
  /** Catalog app id, "domain/app". */
  app: z.string().regex(APP_ID, 'must be "domain/app"'),
  source: z.enum(['local', 'env']),
  kafka: z.object({
    brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port')).min(1),
    ssl: z.boolean(),
    sasl: z.object({
      mechanism,
      username: z.string().min(1),
      password: z.string().min(1),
    }),
  }),
  registry: z.object({
    url: z.url(),
    auth: z.object({ username: z.string().min(1), password: z.string().min(1) }).optional(),
  }),
});

export type ClientConfig = z.infer<typeof clientConfig>;

/** The platform's principal for an app: "orders/order-service" → "orders.order-service". */
export const principalOf = principalOfAppId;

/**
 * How an app's consumer groups and transactional ids must start: "payments/payment-service" →
 * "payments.payment-service." (all its group and transactional-id ACLs allow).
 */
export const resourcePrefixOf = resourcePrefixOfAppId;

function parse(raw: unknown, where: string): ClientConfig {
  const result = clientConfig.safeParse(raw);
  if (result.success) return result.data;
  // Paths and messages only: zod issues never echo a secret back this way.
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`);
  throw new ConfigError(`invalid client configuration from ${where}: ${issues.join('; ')}`);
}

/** From plain environment variables; undefined when KAFKA_BOOTSTRAP_SERVERS is not set. */
export function configFromEnv(app: string, env: NodeJS.ProcessEnv): ClientConfig | undefined {
  const v = CLIENT_VARS;
  const bootstrap = env[v.bootstrap];
  if (!bootstrap) return undefined;
  const protocol = env[v.securityProtocol] ?? 'SASL_SSL';
  if (protocol !== 'SASL_SSL' && protocol !== 'SASL_PLAINTEXT') {
    throw new ConfigError(
      `${v.securityProtocol} must be SASL_SSL or SASL_PLAINTEXT, got "${protocol}"`,
    );
  }
  const registryKey = env[v.registryApiKey];
  const registrySecret = env[v.registryApiSecret];
  return parse(
    {
      app,
      source: 'env',
      kafka: {
        brokers: bootstrap
          .split(',')
          .map((b) => b.trim().replace(/^SASL_SSL:\/\//, ''))
          .filter(Boolean),
        ssl: protocol === 'SASL_SSL',
        sasl: {
          // Confluent Cloud API keys use PLAIN over TLS; the local stack uses SCRAM in the clear.
          mechanism: (
            env[v.saslMechanism] ?? (protocol === 'SASL_SSL' ? 'plain' : 'scram-sha-512')
          ).toLowerCase(),
          username: env[v.saslUsername],
          password: env[v.saslPassword],
        },
      },
      registry: {
        url: env[v.registryUrl],
        ...(registryKey || registrySecret
          ? { auth: { username: registryKey, password: registrySecret } }
          : {}),
      },
    },
    'environment variables',
  );
}

/** From the local stack (`npm run local:up`): the app's own SCRAM user `<domain>.<app>`. */
export function configFromLocalStack(app: string, root?: string): ClientConfig {
  let stack: ReturnType<typeof readAddressBook>;
  let users: Readonly<Record<string, string>>;
  try {
    stack = readAddressBook(root);
    users = readLocalCredentials(stack.credentialsFile).users;
  } catch (err) {
    if (err instanceof LocalStackMissing) throw new ConfigError(err.message);
    throw err;
  }
  const user = principalOf(app);
  const password = users[user];
  if (password === undefined) {
    throw new ConfigError(
      `the local stack has no user ${user}: is ${app} declared in topics/*.yaml? ` +
        'Run `npm run local:up` after adding it',
    );
  }
  return parse(
    {
      app,
      source: 'local',
      kafka: {
        brokers: [stack.bootstrap],
        ssl: false,
        sasl: { mechanism: SASL_MECHANISM, username: user, password },
      },
      registry: { url: stack.registryUrl },
    },
    stack.credentialsFile,
  );
}

/** Environment variables win; the local stack is the default. */
export function loadConfig(
  app: string,
  opts: { env?: NodeJS.ProcessEnv; localRoot?: string } = {},
): ClientConfig {
  if (!APP_ID.test(app)) throw new ConfigError(`app must be "domain/app", got "${app}"`);
  return configFromEnv(app, opts.env ?? process.env) ?? configFromLocalStack(app, opts.localRoot);
}

/** A printable summary without secrets. */
export function describe(config: ClientConfig): string {
  const auth = config.registry.auth ? ' (with API key)' : '';
  return (
    `${config.app} as ${config.kafka.sasl.username} (${config.kafka.sasl.mechanism}` +
    `${config.kafka.ssl ? ', TLS' : ''}) on ${config.kafka.brokers.join(',')}, ` +
    `registry ${config.registry.url}${auth} [from ${config.source === 'env' ? 'environment' : 'local stack'}]`
  );
}
