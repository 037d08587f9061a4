// Where the reconciler connects and as whom, and which principal each catalog app has there.
// Local: the local stack's files. Anything else: a JSON file or STREAMPLANE_* environment variables.
import fs from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import type * as Zod from 'zod';
import { principalOf } from '../../catalog/access';
import type { PrincipalNaming } from '../../catalog/access';
import type { App } from '../../catalog/model';
import type * as Config from '../config';
import {
  ADMIN_USER,
  LocalStackMissing,
  localSasl,
  readAddressBook,
  readLocalCredentials,
} from '../../shared/local-stack';
import type { KafkaConnection } from './kafka-admin';
import type { RegistryConnection } from './registry';

export interface Connection {
  readonly kafka: KafkaConnection;
  readonly registry: RegistryConnection;
  /** How apps' principals are named on this cluster (catalog/access.ts). */
  readonly naming: PrincipalNaming;
  /** `User:...` of an app on this cluster, or undefined when the mapping does not say. */
  principalOf(app: App): string | undefined;
  /** For logs and reports: never holds a secret. */
  readonly label: string;
}

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

const APP_USERS: PrincipalNaming = { kind: 'app-users' };

/**
 * The local stack: the `admin` super user (see README "The reconciler": creating topics and ACLs
 * needs cluster-level ALTER, which is as strong as super user; granting that to
 * platform.reconciler would only hide the fact). Apps are the SCRAM users `<domain>.<app>`.
 */
export function localConnection(opts: { stackRoot?: string; user?: string } = {}): Connection {
  const user = opts.user ?? ADMIN_USER;
  let stack: ReturnType<typeof readAddressBook>;
  let sasl: SASLOptions;
  try {
    stack = readAddressBook(opts.stackRoot);
    sasl = localSasl(readLocalCredentials(stack.credentialsFile), user);
  } catch (err) {
    if (!(err instanceof LocalStackMissing)) throw err;
    throw new ConnectionError(`${err.message} (is the local stack up? npm start)`);
  }
  return {
    kafka: { brokers: [stack.bootstrap], sasl },
    registry: { url: stack.registryUrl },
    naming: APP_USERS,
    principalOf: (app) => principalOf(APP_USERS, app),
    label: `local stack ${stack.bootstrap} as ${user}, registry ${stack.registryUrl}`,
  };
}

// zod and the service's configuration load only for a connection file or variables: a command on
// the local stack (plan, apply) needs neither.
/* eslint-disable @typescript-eslint/no-require-imports */
const zod = (): typeof Zod.z => (require('zod') as typeof Zod).z;
const config = (): typeof Config => require('../config');
/* eslint-enable @typescript-eslint/no-require-imports */

const connectionShape = (z: typeof Zod.z) =>
  z.strictObject({
    bootstrap: z.string().min(1),
    ssl: z.boolean().default(true),
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: z.string().min(1),
      })
      .optional(),
    registry: z.strictObject({
      url: z.url(),
      username: z.string().optional(),
      password: z.string().optional(),
    }),
    /** App id ("orders/order-service") → principal ("User:sa-abc123", from `cdktf output`). */
    principals: z.record(z.string(), z.string().regex(/^User:.+/, 'a principal is "User:<id>"')),
  });
let fileShape: ReturnType<typeof connectionShape> | undefined;

/** A connection file, or the same settings from STREAMPLANE_* variables when no file is given. */
export function externalConnection(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  let raw: unknown;
  const source = file ?? 'STREAMPLANE_* environment variables';
  if (file) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConnectionError(`cannot read connection file ${file}: ${(err as Error).message}`);
    }
  } else {
    raw = fromEnv(env);
  }
  fileShape ??= connectionShape(zod());
  const parsed = fileShape.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConnectionError(`invalid connection settings in ${source}: ${issues.join('; ')}`);
  }
  const c = parsed.data;
  const naming: PrincipalNaming = { kind: 'mapped', principals: c.principals };
  return {
    kafka: {
      brokers: c.bootstrap.split(','),
      ssl: c.ssl,
      ...(c.sasl ? { sasl: c.sasl as SASLOptions } : {}),
    },
    registry: c.registry,
    naming,
    principalOf: (app) => principalOf(naming, app),
    label: `${c.bootstrap}${c.sasl ? ` as ${c.sasl.username}` : ''}, registry ${c.registry.url}`,
  };
}

function fromEnv(env: NodeJS.ProcessEnv): unknown {
  const v = config().RECONCILER_VARS;
  let principals: unknown = {};
  const rawPrincipals = env[v.principals];
  if (rawPrincipals) {
    const text = rawPrincipals.trim().startsWith('{')
      ? rawPrincipals
      : fs.readFileSync(rawPrincipals, 'utf8');
    principals = JSON.parse(text);
  }
  return {
    bootstrap: env[v.bootstrap],
    ssl: env[v.ssl] !== 'false',
    ...(env[v.saslUsername]
      ? {
          sasl: {
            mechanism: env[v.saslMechanism] ?? 'plain',
            username: env[v.saslUsername],
            password: env[v.saslPassword],
          },
        }
      : {}),
    registry: {
      url: env[v.registryUrl],
      ...(env[v.registryUsername]
        ? { username: env[v.registryUsername], password: env[v.registryPassword] }
        : {}),
    },
    principals,
  };
}

/** Local environments use the local stack; every other one needs explicit settings. */
export function connectionFor(
  kind: 'local' | 'confluent-cloud',
  opts: { connectionFile?: string; stackRoot?: string } = {},
): Connection {
  if (kind === 'local' && !opts.connectionFile)
    return localConnection(opts.stackRoot ? { stackRoot: opts.stackRoot } : {});
  return externalConnection(opts.connectionFile);
}
