// The runtime stack writes what the services read: the Deployments' environment (plain values,
// Secret data, Secret key references), with each Terraform expression replaced by a value of the
// shape it yields on Confluent Cloud, parsed by the services' own loaders.
import { configFromEnv, CLIENT_VARS } from '../../../clientapp/config';
import { externalConnection } from '../../../reconciler/cluster/connection';
import { RECONCILER_VARS, readReconcilerSettings } from '../../../reconciler/config';
import { hashToken } from '../../../reconciler/service/auth';
import { RECONCILER_PORT, RECONCILER_TOKENS_SECRET } from '../../../stacks/runtime/runtime-stack';
import { stack, synthesizeSample } from './synthesized';
import type { Json } from './synthesized';

const s = synthesizeSample();
const RUNTIME_ENVS = s.catalog.environments.filter(
  (e) => s.catalog.platform.environments[e]?.runtime !== undefined,
);

/** Values of the shapes the platform stack's outputs have, by what the expression reads. */
function standIn(name: string, value: string, apps: readonly string[]): string {
  if (!value.includes('${')) return value;
  if (value.includes('app_principals')) {
    return JSON.stringify(Object.fromEntries(apps.map((a, i) => [a, `User:sa-app${i}`])));
  }
  if (value.includes('bootstrap_endpoint')) return 'pkc-x1y2z.eu-west-1.aws.confluent.cloud:9092';
  if (value.includes('rest_endpoint')) return 'https://psrc-a1b2c.eu-west-1.aws.confluent.cloud';
  if (/\b(id)\}?$/.test(value) || value.endsWith('id}')) return 'ABCDEFGHIJKLMNOP';
  if (value.endsWith('secret}')) return 'not-a-real-secret';
  throw new Error(`no stand-in for ${name} = ${value}`);
}

/** The container's environment as Kubernetes would give it to the process. */
function containerEnv(
  json: Json,
  deployment: string,
  secrets: Record<string, Record<string, string>>,
  apps: readonly string[],
): { env: Record<string, string>; written: string[] } {
  const container = json.resource.kubernetes_deployment_v1[deployment].spec.template.spec
    .container[0] as Json;
  const env: Record<string, string> = {};
  const written: string[] = [];
  for (const ref of (container.env_from ?? []) as Json[]) {
    // A reference to the Secret resource, or its literal name.
    const name = ref.secret_ref.name as string;
    const data = secrets[/kubernetes_secret_v1\.([^.]+)\.metadata/.exec(name)?.[1] ?? name];
    if (!data) throw new Error(`${deployment} reads a secret the stack does not write`);
    for (const [k, v] of Object.entries(data)) {
      written.push(k);
      env[k] = standIn(k, v, apps);
    }
  }
  for (const e of (container.env ?? []) as Json[]) {
    written.push(e.name as string);
    if (e.value !== undefined) env[e.name as string] = standIn(e.name, e.value as string, apps);
    else if (e.value_from?.secret_key_ref?.name === RECONCILER_TOKENS_SECRET) {
      // The platform team's Secret: hashes only.
      env[e.name as string] = JSON.stringify([
        { name: 'ci', role: 'operator', sha256: hashToken('a-token') },
      ]);
    } else throw new Error(`${deployment}: ${String(e.name)} comes from where?`);
  }
  return { env, written };
}

/** Each Secret's data, by resource name and by Kubernetes name. */
function secretsOf(json: Json): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(json.resource.kubernetes_secret_v1 as Record<string, Json>).flatMap(
      ([id, sec]) => [
        [id, sec.data as Record<string, string>],
        [sec.metadata.name as string, sec.data as Record<string, string>],
      ],
    ),
  );
}

test.each(RUNTIME_ENVS)(
  'runtime-%s: the reconciler Deployment is configured by exactly the variables the reconciler reads',
  (envName) => {
    const json = stack(s, `runtime-${envName}`);
    const env = s.catalog.for(envName);
    const apps = env.apps.map((a) => a.id);
    const { env: vars, written } = containerEnv(json, 'reconciler', secretsOf(json), apps);

    // Nothing is written that the service does not read.
    const known = new Set<string>(Object.values(RECONCILER_VARS));
    expect(written.filter((name) => !known.has(name))).toEqual([]);

    const settings = readReconcilerSettings(vars);
    expect(settings).toMatchObject({
      environment: envName,
      mode: s.catalog.platform.environments[envName]?.runtime?.reconcilerMode,
      host: '0.0.0.0',
      port: RECONCILER_PORT,
    });
    expect(settings.tokens).toHaveLength(1);
    // The probes and the Service target the port the service listens on.
    const container = json.resource.kubernetes_deployment_v1.reconciler.spec.template.spec
      .container[0] as Json;
    expect(container.readiness_probe.http_get.port).toBe(String(settings.port));
    expect(container.port[0].container_port).toBe(settings.port);

    // The cluster connection: Confluent Cloud's SASL/PLAIN over TLS with the reconciler's key,
    // and a principal for every app of the environment.
    const connection = externalConnection(undefined, vars);
    expect(connection.kafka).toMatchObject({
      brokers: ['pkc-x1y2z.eu-west-1.aws.confluent.cloud:9092'],
      ssl: true,
      sasl: { mechanism: 'plain', username: 'ABCDEFGHIJKLMNOP' },
    });
    expect(connection.registry).toMatchObject({ username: 'ABCDEFGHIJKLMNOP' });
    expect(env.apps.filter((a) => connection.principalOf(a) === undefined)).toEqual([]);
  },
);

test.each(RUNTIME_ENVS.filter((e) => s.catalog.platform.environments[e]?.runtime?.clientApp))(
  'runtime-%s: the client app Deployment is configured by exactly the variables the client app reads',
  (envName) => {
    const json = stack(s, `runtime-${envName}`);
    const apps = s.catalog.for(envName).apps.map((a) => a.id);
    const { env: vars, written } = containerEnv(json, 'client_app', secretsOf(json), apps);
    const known = new Set<string>(Object.values(CLIENT_VARS));
    expect(written.filter((name) => !known.has(name))).toEqual([]);
    const app = vars[CLIENT_VARS.app] ?? '';
    expect(apps).toContain(app);
    expect(configFromEnv(app, vars)).toMatchObject({
      app,
      source: 'env',
      kafka: { ssl: true, sasl: { mechanism: 'plain', username: 'ABCDEFGHIJKLMNOP' } },
      registry: { auth: { username: 'ABCDEFGHIJKLMNOP' } },
    });
  },
);
