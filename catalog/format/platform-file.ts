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

/** `registry/name:tag` (or `@sha256:…`): what `docker push` and a Kubernetes Pod accept. */
const imageRef = checked(
  (s) =>
    /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)+(:\w[\w.-]{0,127}|@sha256:[a-f0-9]{64})$/.test(
      s,
    ),
  'invalid-image',
  'must be a full image reference with a tag or digest',
  'for example "ghcr.io/acme/streamplane-reconciler:1.4.0"',
);

const runtime = z.strictObject({
  /** Kubernetes namespace for the platform's own services. */
  namespace: kebabName('namespace').default('streamplane'),
  /**
   * The images the runtime stack runs: `Dockerfile`'s `reconciler` and `clientapp` targets, pushed
   * by the deploy workflow under exactly these names and tags.
   */
  reconcilerImage: imageRef.default('ghcr.io/acme/streamplane-reconciler:latest'),
  clientAppImage: imageRef.default('ghcr.io/acme/streamplane-clientapp:latest'),
  /** enforce applies the catalog; observe only reports drift (Terraform owns the cluster). */
  reconcilerMode: z.enum(['enforce', 'observe']).default('observe'),
  /** Deploy the sample client app next to the reconciler. */
  clientApp: z.boolean().default(false),
});

/**
 * confluent-cloud: provisioned by the stacks on Confluent Cloud. confluent-double: the same
 * stacks, deployed to the Confluent Cloud double on this machine (scripts/cloud-double), whose
 * data plane is the local Kafka and registry. local: the embedded stack, applied by the reconciler.
 */
export const ENVIRONMENT_KINDS = ['confluent-cloud', 'confluent-double', 'local'] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

/** Kinds whose environments Terraform provisions (platform and domain stacks). */
export function isTerraformKind(kind: EnvironmentKind): boolean {
  return kind !== 'local';
}

/**
 * How an environment's stacks are deployed: `ci` by .github/workflows/deploy.yml (every
 * confluent-cloud environment unless it says `deploy: manual`), `manual` by a person with
 * `cdktf deploy` (confluent-double environments always: the double runs on their machine).
 */
export const DEPLOY_MODES = ['ci', 'manual'] as const;
export type DeployMode = (typeof DEPLOY_MODES)[number];

export function deployMode(spec: {
  readonly kind: EnvironmentKind;
  readonly deploy?: DeployMode | undefined;
}): DeployMode | undefined {
  if (spec.kind === 'local') return undefined;
  return spec.kind === 'confluent-double' ? 'manual' : (spec.deploy ?? 'ci');
}

/** The environments the deploy workflow deploys, in platform.yaml's order. */
export function ciEnvironments(platform: {
  readonly environments: Readonly<Record<string, EnvironmentSpec>>;
}): string[] {
  return Object.entries(platform.environments)
    .filter(([, spec]) => deployMode(spec) === 'ci')
    .map(([name]) => name);
}

/** Where Terraform keeps an environment's state: a confluent-double's is always on this machine. */
export function terraformState(spec: {
  readonly kind: EnvironmentKind;
  readonly state?: 's3' | 'local' | undefined;
}): 's3' | 'local' {
  return spec.kind === 'confluent-double' ? 'local' : (spec.state ?? 's3');
}

const environment = z
  .strictObject({
    description: z.string().optional(),
    kind: z.enum(ENVIRONMENT_KINDS).default('confluent-cloud'),
    cloud: z.enum(['AWS', 'GCP', 'AZURE']).optional(),
    region: z.string().min(1).optional(),
    cluster: cluster.optional(),
    streamGovernance: z.enum(['ESSENTIALS', 'ADVANCED']).default('ESSENTIALS'),
    /** Protected environments refuse destroys (preventDestroy) and need approval to deploy. */
    protected: z.boolean().default(false),
    replicationFactor: z.int().min(1).max(5).default(3),
    /** Where Terraform keeps this environment's state (S3 unless said; always local for confluent-double). */
    state: z.enum(['s3', 'local']).optional(),
    /** Deployed by the deploy workflow (default for confluent-cloud) or by hand. */
    deploy: z.enum(DEPLOY_MODES).optional(),
    runtime: runtime.optional(),
  })
  .superRefine((env, ctx) => {
    if (!isTerraformKind(env.kind)) return;
    if (env.kind === 'confluent-double') {
      // The double lives on this machine: its state cannot be shared, and there is no
      // Kubernetes cluster or AWS account behind it.
      if (env.state === 's3') {
        ctx.addIssue({
          code: 'custom',
          path: ['state'],
          message: 'a confluent-double environment keeps its Terraform state on this machine',
          params: { rule: 'double-state', hint: 'remove "state:" (it is always local)' },
        });
      }
      if (env.runtime !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['runtime'],
          message: 'a confluent-double environment has no Kubernetes runtime',
          params: {
            rule: 'double-runtime',
            hint: 'remove "runtime:"; the local stack runs the reconciler (npm start)',
          },
        });
      }
      if (env.deploy === 'ci') {
        ctx.addIssue({
          code: 'custom',
          path: ['deploy'],
          message: 'a confluent-double environment is deployed from the machine its double runs on',
          params: { rule: 'double-deploy', hint: 'remove "deploy:" (npm run deploy:sandbox)' },
        });
      }
    } else if (env.state === 'local' && env.deploy !== 'manual') {
      // A CI runner is thrown away after each job: state written there is lost, and the next
      // deploy would try to create everything again.
      ctx.addIssue({
        code: 'custom',
        path: ['state'],
        message:
          'this environment is deployed by the deploy workflow, whose runners keep no files: its Terraform state must be remote',
        params: {
          rule: 'ci-local-state',
          hint: 'remove "state: local" (state then lives in the S3 bucket of "state:"), or add "deploy: manual" if people deploy it by hand',
        },
      });
    }
    for (const key of ['cloud', 'region', 'cluster'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `a ${env.kind} environment needs "${key}"`,
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

export const platformFile = z
  .strictObject({
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
  })
  .superRefine((file, ctx) => {
    // Settings that only make sense together, reported at the one that has to change.
    const { min, max, allowInfinite } = file.limits.retention;
    const finite = (ms: number): boolean => ms !== -1;
    if (finite(max) && (!finite(min) || min > max)) {
      ctx.addIssue({
        code: 'custom',
        path: ['limits', 'retention', 'min'],
        message: 'the retention minimum is above the maximum',
        params: { rule: 'retention-range', hint: 'make min at most max (e.g. min: 1h, max: 90d)' },
      });
    } else {
      const r = file.defaults.retention;
      const outside = finite(r) ? r < min || (finite(max) && r > max) : !allowInfinite;
      if (outside)
        ctx.addIssue({
          code: 'custom',
          path: ['defaults', 'retention'],
          message: "the default retention is outside the platform's own retention limits",
          params: {
            rule: 'retention-bounds',
            hint: 'pick a default between limits.retention.min and limits.retention.max',
          },
        });
    }
    if (file.defaults.partitions > file.limits.maxPartitionsPerTopic)
      ctx.addIssue({
        code: 'custom',
        path: ['defaults', 'partitions'],
        message: `the default partition count is above limits.maxPartitionsPerTopic (${file.limits.maxPartitionsPerTopic})`,
        params: { rule: 'partitions-limit', hint: 'lower the default or raise the limit' },
      });
    if (file.state) return;
    for (const [name, spec] of Object.entries(file.environments)) {
      if (!isTerraformKind(spec.kind) || terraformState(spec) !== 's3') continue;
      ctx.addIssue({
        code: 'custom',
        path: ['environments', name],
        message: `environment "${name}" keeps its Terraform state in S3, but platform.yaml has no "state:" section`,
        params: {
          rule: 'missing-key',
          hint: 'add "state: { bucket, region }" at the top level (the bucket must exist, with versioning on)',
        },
      });
    }
  });

export type PlatformFile = z.infer<typeof platformFile>;
export type EnvironmentSpec = PlatformFile['environments'][string];
