// platform.yaml: owned by the platform team. Environments, naming, limits, state.
import { z } from 'zod';
import { KNOWN_TOPIC_CONFIGS } from '../kafka-configs';
import { checked, cleanupPolicy, compatibility, duration, kebabName } from './common';

const githubHandle = checked(
  (s) => /^@[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(s),
  'invalid-team',
  'must be a GitHub user or team handle',
  'for example "@acme/platform-team"',
);

const topicTemplate = checked(
  (s) => s.startsWith('{domain}.') && s.includes('{name}'),
  'invalid-naming',
  'the topic convention must start with "{domain}." and contain "{name}"',
  'the domain prefix is what scopes each domain\'s ACLs and subjects, e.g. "{domain}.{name}.v{version}"',
);

const configKey = checked(
  (s) => s in KNOWN_TOPIC_CONFIGS && !KNOWN_TOPIC_CONFIGS[s]?.reservedFor,
  'config-unknown',
  'is not a topic config the catalog can check',
  `allowed: ${Object.keys(KNOWN_TOPIC_CONFIGS)
    .filter((k) => !KNOWN_TOPIC_CONFIGS[k]?.reservedFor)
    .join(', ')}`,
);

const capacity = z.strictObject({
  /** Partitions the cluster holds before replication (per CKU for dedicated clusters). */
  partitions: z.int().min(1),
  /** ACLs the cluster holds (per CKU for dedicated clusters). */
  acls: z.int().min(1),
});

export const CLUSTER_TYPES = ['basic', 'standard', 'dedicated'] as const;

const cluster = z.strictObject({
  type: z.enum(CLUSTER_TYPES),
  availability: z.enum(['SINGLE_ZONE', 'MULTI_ZONE']).default('SINGLE_ZONE'),
  /** Confluent Kafka units, dedicated clusters only. */
  cku: z.int().min(1).optional(),
});

const runtime = z.strictObject({
  /** Kubernetes namespace for the platform's own services. */
  namespace: kebabName('namespace').default('streamplane'),
  reconcilerImage: z.string().min(1).default('ghcr.io/acme/streamplane-reconciler:latest'),
  /** enforce applies the catalog; observe only reports drift (Terraform owns the cluster). */
  reconcilerMode: z.enum(['enforce', 'observe']).default('observe'),
  /** Deploy the sample client app next to the reconciler. */
  clientApp: z.boolean().default(false),
});

const environment = z
  .strictObject({
    description: z.string().optional(),
    /** confluent-cloud: provisioned by the stacks; local: the embedded stack, applied by the reconciler. */
    kind: z.enum(['confluent-cloud', 'local']).default('confluent-cloud'),
    cloud: z.enum(['AWS', 'GCP', 'AZURE']).optional(),
    region: z.string().min(1).optional(),
    cluster: cluster.optional(),
    streamGovernance: z.enum(['ESSENTIALS', 'ADVANCED']).default('ESSENTIALS'),
    /** Protected environments refuse destroys (preventDestroy) and need approval to deploy. */
    protected: z.boolean().default(false),
    replicationFactor: z.int().min(1).max(5).default(3),
    /** Where Terraform keeps this environment's state. */
    state: z.enum(['s3', 'local']).default('s3'),
    runtime: runtime.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.kind !== 'confluent-cloud') return;
    for (const key of ['cloud', 'region', 'cluster'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `a confluent-cloud environment needs "${key}"`,
          params: { rule: 'missing-key', hint: `add "${key}:" to this environment` },
        });
      }
    }
    if (env.cluster?.type === 'dedicated' && env.cluster.cku === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['cluster'],
        message: 'a dedicated cluster needs "cku"',
        params: { rule: 'missing-key', hint: 'add "cku: 1" (or more) under cluster' },
      });
    }
  });

export const platformFile = z.strictObject({
  platform: z.strictObject({
    name: kebabName('platform'),
    /** The platform team: co-owns every domain file and approves every change. */
    team: githubHandle,
    description: z.string().optional(),
  }),
  naming: z
    .strictObject({
      topic: topicTemplate.default('{domain}.{name}.v{version}'),
      /** Avro namespaces of a domain's schemas must start with this. */
      avroNamespace: z.string().default('com.example.{domain}'),
    })
    .default({ topic: '{domain}.{name}.v{version}', avroNamespace: 'com.example.{domain}' }),
  defaults: z
    .strictObject({
      partitions: z.int().min(1).default(3),
      retention: duration.default(604_800_000),
      cleanupPolicy: cleanupPolicy.default('delete'),
      compatibility: compatibility.default('BACKWARD'),
    })
    .default({
      partitions: 3,
      retention: 604_800_000,
      cleanupPolicy: 'delete',
      compatibility: 'BACKWARD',
    }),
  limits: z.strictObject({
    maxPartitionsPerTopic: z.int().min(1),
    retention: z.strictObject({
      min: duration,
      max: duration,
      /** Whether "infinite" retention is allowed at all. */
      allowInfinite: z.boolean().default(false),
    }),
    /** Topic configs domain teams may set under `config:`. */
    topicConfigs: z.array(configKey).default([]),
    capacity: z.strictObject({ basic: capacity, standard: capacity, dedicated: capacity }),
  }),
  state: z
    .strictObject({
      bucket: z.string().min(3),
      region: z.string().min(1),
      keyPrefix: z.string().default('streamplane'),
    })
    .optional(),
  environments: z.record(kebabName('environment'), environment).superRefine((envs, ctx) => {
    if (Object.keys(envs).length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'declare at least one environment',
        params: { rule: 'missing-key', hint: 'for example dev, staging and prod' },
      });
    }
  }),
});

export type PlatformFile = z.infer<typeof platformFile>;
export type EnvironmentSpec = PlatformFile['environments'][string];
