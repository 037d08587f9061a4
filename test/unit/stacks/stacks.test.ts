// The stack set, their order, state, secrets handling, secrets/runtime structure, and
// `terraform validate` with the locally built providers.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import {
  providersInstalled,
  terraformCacheDir,
  terraformValidate,
} from '../../../scripts/providers/terraform';
import { terraformState } from '../../../catalog/format/platform-file';
import { forEach, stack, synthesizeSample } from './synthesized';
import type { Json } from './synthesized';

Testing.setupJest();
const s = synthesizeSample();
const CLOUD_ENVS = ['dev', 'staging', 'prod'];
const DOUBLE_ENVS = ['sandbox'];
const domains = s.catalog.domains.map((d) => d.name);

test('one platform, domain-per-domain, secrets and runtime stack per confluent-cloud environment; platform and domains for a confluent-double; none for local', () => {
  const expected = [
    ...CLOUD_ENVS.flatMap((env) => [
      `platform-${env}`,
      `secrets-${env}`,
      ...(s.catalog.platform.environments[env]?.runtime ? [`runtime-${env}`] : []),
      ...domains.map((d) => `domain-${d}-${env}`),
    ]),
    ...DOUBLE_ENVS.flatMap((env) => [
      `platform-${env}`,
      ...domains.map((d) => `domain-${d}-${env}`),
    ]),
  ];
  expect([...s.stacks.keys()].sort()).toEqual(expected.sort());
  expect([...s.stacks.keys()].some((k) => k.endsWith('-local'))).toBe(false);
});

test('deploy order: domain, secrets and runtime stacks depend on their platform stack', () => {
  for (const env of CLOUD_ENVS) {
    for (const d of domains)
      expect(s.dependencies.get(`domain-${d}-${env}`)).toContain(`platform-${env}`);
    expect(s.dependencies.get(`secrets-${env}`)).toContain(`platform-${env}`);
    expect(s.dependencies.get(`runtime-${env}`)).toEqual(
      expect.arrayContaining([`platform-${env}`, ...domains.map((d) => `domain-${d}-${env}`)]),
    );
    expect(s.dependencies.get(`platform-${env}`)).toEqual([]);
  }
});

test('domain stacks apply with their own topic manager’s keys, read from the platform stack’s outputs', () => {
  const read = (path: string): string => `\${data.terraform_remote_state.platform.outputs.${path}}`;
  for (const env of CLOUD_ENVS) {
    const platform = stack(s, `platform-${env}`);
    const backend = Object.values(platform.terraform.backend as Json)[0] as Json;
    for (const d of domains) {
      const json = stack(s, `domain-${d}-${env}`);
      expect(json.provider.confluent).toEqual([
        {
          kafka_id: read('cluster_connection.kafka_id'),
          kafka_rest_endpoint: read('cluster_connection.kafka_rest_endpoint'),
          kafka_api_key: read(`domain_managers["${d}"].kafka_api_key`),
          kafka_api_secret: read(`domain_managers["${d}"].kafka_api_secret`),
          schema_registry_id: read('cluster_connection.schema_registry_id'),
          schema_registry_rest_endpoint: read('cluster_connection.schema_registry_rest_endpoint'),
          schema_registry_api_key: read(`domain_managers["${d}"].schema_registry_api_key`),
          schema_registry_api_secret: read(`domain_managers["${d}"].schema_registry_api_secret`),
        },
        {
          // ACLs need cluster ALTER: the platform manager's key, never the domain's.
          alias: 'acls',
          kafka_id: read('cluster_connection.kafka_id'),
          kafka_rest_endpoint: read('cluster_connection.kafka_rest_endpoint'),
          kafka_api_key: read('access_manager.kafka_api_key'),
          kafka_api_secret: read('access_manager.kafka_api_secret'),
        },
      ]);
      expect(json.resource.confluent_kafka_acl.acl.provider).toBe('confluent.acls');
      // `platform` is the platform stack's own state.
      const { config } = json.data.terraform_remote_state.platform as { config: Json };
      expect(config.key ?? config.path).toBe(backend.key ?? backend.path);
      for (const [k, v] of Object.entries(config)) expect(backend[k]).toEqual(v);
      expect(json.resource.confluent_role_binding.subject_read.crn_pattern).toBe(
        `${read('cluster_connection.schema_registry_crn')}/subject=\${each.value.subject}`,
      );
    }
    expect(platform.output.cluster_connection).toEqual({
      sensitive: true,
      value: {
        kafka_id: '${confluent_kafka_cluster.cluster.id}',
        kafka_rest_endpoint: '${confluent_kafka_cluster.cluster.rest_endpoint}',
        schema_registry_id: '${data.confluent_schema_registry_cluster.registry.id}',
        schema_registry_rest_endpoint:
          '${data.confluent_schema_registry_cluster.registry.rest_endpoint}',
        schema_registry_crn: '${data.confluent_schema_registry_cluster.registry.resource_name}',
      },
    });
    const kafka = 'confluent_api_key.domain_manager_kafka_key';
    const registry = 'confluent_api_key.domain_manager_registry_key';
    expect(platform.output.domain_managers).toEqual({
      sensitive: true,
      value:
        `\${{ for key, val in ${kafka}: key => { kafka_api_key = val.id, kafka_api_secret = val.secret, ` +
        `schema_registry_api_key = ${registry}[key].id, schema_registry_api_secret = ${registry}[key].secret } }}`,
    });
    for (const block of ['domain_manager_kafka_key', 'domain_manager_registry_key']) {
      expect(Object.keys(forEach(platform, 'confluent_api_key', block)).sort()).toEqual(
        [...domains].sort(),
      );
    }
  }
});

test('state: S3 per stack with lockfile locking, local where the environment says so', () => {
  for (const [name, json] of s.stacks) {
    const env = name.split('-').pop() as string;
    const backend = json.terraform.backend as Json;
    const spec = s.catalog.platform.environments[env];
    if (spec && terraformState(spec) === 'local') {
      expect(Object.keys(backend)).toEqual(['local']);
    } else {
      expect(backend.s3).toEqual({
        bucket: 'acme-streaming-tfstate',
        region: 'eu-west-1',
        key: `streamplane/${env}/${name}.tfstate`,
        encrypt: true,
        use_lockfile: true,
      });
    }
  }
});

test('local state: every stack reads the platform state where the platform stack writes it', () => {
  // Terraform resolves both paths against the directory it runs in: the stack's own.
  const at = (stack: string, file: string): string => posix.join('cdktf.out/stacks', stack, file);
  let readers = 0;
  for (const [name, json] of s.stacks) {
    const env = name.split('-').pop() as string;
    const spec = s.catalog.platform.environments[env];
    if (!spec || terraformState(spec) !== 'local') continue;
    const own = ((json.terraform.backend as Json).local as Json).path as string;
    expect(at(name, own)).toBe(`cdktf.out/stacks/${name}/terraform.${name}.tfstate`);
    const remote = ((json.data as Json | undefined)?.terraform_remote_state as Json | undefined)
      ?.platform as Json | undefined;
    if (!remote) continue;
    readers++;
    const read = (remote.config as Json).path as string;
    expect(at(name, read)).toBe(
      `cdktf.out/stacks/platform-${env}/terraform.platform-${env}.tfstate`,
    );
  }
  expect(readers).toBeGreaterThan(0);
});

test('no secret value in any synthesized file; secrets leave a stack only as sensitive outputs', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.terraform') continue;
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.json')) files.push(join(dir, e.name));
    }
  };
  walk(s.outdir);
  expect(files.length).toBeGreaterThan(s.stacks.size);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // Confluent API key ids are 16 upper-case alphanumerics, secrets 64 base64 characters.
    expect(text).not.toMatch(/"[A-Z0-9]{16}"/);
    expect(text).not.toMatch(/"[A-Za-z0-9+/]{64}"/);
    expect(text).not.toMatch(/CONFLUENT_CLOUD_API|cloud_api_key|cloud_api_secret/);
  }
  for (const [, json] of s.stacks) {
    for (const [name, output] of Object.entries((json.output ?? {}) as Record<string, Json>)) {
      if (/secret|api_key/.test(String(output.value)) || /secret|key/.test(name)) {
        expect(output.sensitive).toBe(true);
      }
    }
  }
});

test('secrets: one secret per app with a Terraform-built JSON value, a policy reading only that secret', () => {
  for (const env of CLOUD_ENVS) {
    const json = stack(s, `secrets-${env}`);
    const apps = s.catalog
      .for(env)
      .apps.map((a) => a.id)
      .sort();
    expect(Object.keys(forEach(json, 'aws_secretsmanager_secret', 'app_secret')).sort()).toEqual(
      apps,
    );
    const version = json.resource.aws_secretsmanager_secret_version.app_secret_value as Json;
    expect(version.secret_string).toMatch(/^\$\{jsonencode\(/);
    expect(version.secret_string).toContain('[each.key].secret');
    const stackObj = s.built.environments.get(env)?.secrets;
    if (!stackObj) throw new Error('no secrets stack');
    expect(Testing.synth(stackObj)).toHaveResourceWithProperties(IamPolicy, {
      policy: expect.stringContaining('aws_secretsmanager_secret.app_secret[each.key].arn'),
    });
    expect(json.resource.aws_iam_policy.app_secret_read.policy).not.toMatch(
      /"\*"|secretsmanager:\*/,
    );
  }
});

test('runtime: reconciler with its mode, probes and credentials; the client app only where asked', () => {
  for (const env of CLOUD_ENVS) {
    const runtime = s.catalog.platform.environments[env]?.runtime;
    const stackObj = s.built.environments.get(env)?.runtime;
    if (!runtime || !stackObj) throw new Error(`no runtime for ${env}`);
    const synth = Testing.synth(stackObj);
    expect(synth).toHaveResourceWithProperties(DeploymentV1, {
      spec: expect.objectContaining({
        template: expect.objectContaining({
          spec: expect.objectContaining({
            container: [
              expect.objectContaining({
                image: runtime.reconcilerImage,
                env: expect.arrayContaining([
                  { name: 'RECONCILER_MODE', value: runtime.reconcilerMode },
                ]),
                liveness_probe: expect.objectContaining({
                  http_get: { path: '/healthz', port: '8080' },
                }),
                readiness_probe: expect.objectContaining({
                  http_get: { path: '/readyz', port: '8080' },
                }),
              }),
            ],
          }),
        }),
      }),
    });
    const json = stack(s, `runtime-${env}`);
    expect(Object.keys(json.resource.kubernetes_deployment_v1).sort()).toEqual(
      runtime.clientApp ? ['client_app', 'reconciler'] : ['reconciler'],
    );
    expect(json.resource.kubernetes_namespace_v1.namespace.metadata.name).toBe(runtime.namespace);
    expect(json.resource.kubernetes_service_v1.reconciler_service.spec.port[0].port).toBe(8080);
    expect(json.resource.kubernetes_service_account_v1.reconciler_account).toBeDefined();
  }
});

const inMirror = (provider: string): boolean =>
  existsSync(join(terraformCacheDir(), 'mirror', 'registry.terraform.io', 'hashicorp', provider));

describe('terraform validate (providers from scripts/providers/build.sh)', () => {
  test('the providers are built (CI runs build.sh first)', () => {
    expect(providersInstalled()).toBe(true);
  });

  const names = [...s.stacks.keys()].filter(
    (n) =>
      /^(platform|domain)-/.test(n) ||
      (n.startsWith('runtime-') && inMirror('kubernetes')) ||
      (n.startsWith('secrets-') && inMirror('aws')),
  );
  test.each(names)(
    '%s',
    async (name) => {
      const result = await terraformValidate(join(s.outdir, 'stacks', name));
      expect(result.output).toBe(result.ok ? result.output : '');
      expect(result.ok).toBe(true);
    },
    120_000,
  );
});
