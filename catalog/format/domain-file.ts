// topics/<domain>.yaml: owned by a domain team. Its apps, its topics, who produces and consumes.
// Topics are parsed one by one (see loader) so one broken topic does not hide the others' errors.
import { z } from 'zod';
import {
  checked,
  cleanupPolicy,
  compatibility,
  configValue,
  duration,
  kebabName,
  size,
} from './common';

/** "order-service" (same domain) or "payments/payment-service" (another domain). */
export const APP_REF = /^([a-z][a-z0-9-]*\/)?[a-z][a-z0-9-]*$/;

const appRef = checked(
  (s) => APP_REF.test(s),
  'invalid-app-ref',
  'an app reference is "app" for this domain or "domain/app" for another domain',
  'for example "order-service" or "payments/payment-service"',
);

const app = z.strictObject({
  description: z.string().min(1),
  /** The app uses Kafka transactions: it gets the transactional-id ACLs for its prefix. */
  transactional: z.boolean().default(false),
});

const overrides = z.strictObject({
  partitions: z.int().min(1).optional(),
  retention: duration.optional(),
  retentionSize: size.optional(),
  config: z.record(z.string(), configValue).optional(),
});

export const topic = z.strictObject({
  /** Full topic name, only to adopt an existing topic whose name predates the convention. */
  name: z.string().min(1).optional(),
  version: z.int().min(1).max(999).default(1),
  description: z.string().min(1),
  partitions: z.int().min(1).optional(),
  retention: duration.optional(),
  retentionSize: size.optional(),
  cleanupPolicy: cleanupPolicy.optional(),
  config: z.record(z.string(), configValue).default({}),
  schema: z
    .strictObject({
      /** A schema file in schemas/<domain>/ (.avsc, .json or .proto). */
      value: z.string().min(1).optional(),
      /** A schema file, or a plain key type that is not registered. */
      key: z.string().min(1).optional(),
      compatibility: compatibility.optional(),
    })
    .optional(),
  producers: z.array(appRef).default([]),
  consumers: z.array(appRef).default([]),
  environments: z.record(z.string(), overrides).default({}),
  /** A protected topic is never deleted; set false first, in its own change, to remove it. */
  deletionProtection: z.boolean().default(true),
  /** Delete this topic from the clusters (needs deletionProtection: false). */
  delete: z.boolean().default(false),
});

/** The file around its apps and topics, which are checked one by one. */
export const domainFile = z.strictObject({
  domain: kebabName('domain'),
  description: z.string().min(1),
  owners: z.strictObject({
    team: checked(
      (s) => /^@[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(s),
      'invalid-team',
      'must be a GitHub user or team handle',
      'for example "@acme/orders"',
    ),
    contact: z.string().min(1).optional(),
  }),
  apps: z.record(z.string(), z.unknown()).default({}),
  topics: z.record(z.string(), z.unknown()).default({}),
});

export const appName = kebabName('app');
export const topicKey = kebabName('topic');
export { app };

export type DomainFile = z.infer<typeof domainFile>;
export type TopicSpec = z.infer<typeof topic>;
export type AppSpec = z.infer<typeof app>;
export type DomainHeader = Omit<DomainFile, 'apps' | 'topics'>;
export type OverrideSpec = z.infer<typeof overrides>;
