// runtime-<env>: the platform's own services on Kubernetes — the reconciler (Deployment, Service,
// ServiceAccount, probes, credentials in a Secret) and, where the environment asks, the sample
// client app. Credentials come from the platform stack as sensitive cross-stack values. Every
// variable is named by the service's own configuration contract (reconciler/config.ts,
// clientapp/config.ts), and a test parses what is written here with the services' loaders.
import { createHash } from 'node:crypto';
import { Fn, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { Catalog, EnvironmentCatalog } from '../../catalog/model';
import { CLIENT_VARS } from '../../clientapp/config';
import { RECONCILER_VARS } from '../../reconciler/config';
import type { PlatformStack } from '../platform/platform-stack';
import { runtimeStackName } from '../shared/names';
import { configureState } from '../shared/state';

export const RECONCILER_PORT = 8080;
/** The image's ENTRYPOINTs (Dockerfile's `reconciler` and `clientapp` targets), said again here. */
export const RECONCILER_COMMAND: readonly string[] = ['node', 'reconciler/server.js'];
export const CLIENT_APP_COMMAND: readonly string[] = ['node', 'clientapp/cli.js'];
/** Pod annotation: the catalog the image carries, so a catalog change rolls the pods. */
export const CATALOG_DIGEST_ANNOTATION = 'streamplane.io/catalog-digest';

const digests = new WeakMap<Catalog, string>();
/**
 * The catalog as the deployed images carry it (the deploy workflow builds them from the commit it
 * deploys): platform.yaml, the domains and every schema's text.
 */
export function catalogDigest(catalog: Catalog): string {
  let digest = digests.get(catalog);
  if (digest === undefined) {
    const hash = createHash('sha256');
    hash.update(JSON.stringify(catalog.platform)).update(JSON.stringify(catalog.domains));
    for (const [path, schema] of [...catalog.schemas].sort(([a], [b]) => (a < b ? -1 : 1)))
      hash.update(path).update('\0').update(schema.text).update('\0');
    digest = `sha256:${hash.digest('hex')}`;
    digests.set(catalog, digest);
  }
  return digest;
}

/** The Secret the platform team creates with the API's token hashes (`tokens`: RECONCILER_TOKENS). */
export const RECONCILER_TOKENS_SECRET = 'streamplane-reconciler-tokens';

export interface RuntimeStackProps {
  readonly catalog: Catalog;
  readonly env: EnvironmentCatalog;
  readonly platform: PlatformStack;
  /** Deployed after these (topics exist before anything runs on them), destroyed before them. */
  readonly domains: readonly TerraformStack[];
  /** The catalog app whose credentials the sample client app uses (default: the first producer). */
  readonly clientAppId?: string;
}

export class RuntimeStack extends TerraformStack {
  readonly namespace: NamespaceV1;
  readonly reconciler: DeploymentV1;
  readonly clientApp?: DeploymentV1;

  constructor(scope: Construct, props: RuntimeStackProps) {
    const { catalog, env, platform } = props;
    const runtime = env.spec.runtime;
    if (!runtime) throw new Error(`environment "${env.name}" declares no runtime`);
    super(scope, runtimeStackName(env.name));
    configureState(this, { platform: env.platform, env: env.name, spec: env.spec });
    // Cluster access from the environment (KUBE_CONFIG_PATH, KUBE_CTX…), never from config.
    new KubernetesProvider(this, 'kubernetes', {});
    this.addDependency(platform);
    for (const d of props.domains) this.addDependency(d);

    this.namespace = new NamespaceV1(this, 'namespace', {
      metadata: { name: runtime.namespace, labels: { 'app.kubernetes.io/part-of': 'streamplane' } },
    });
    const namespace = this.namespace.metadata.name;
    const ep = platform.endpoints;
    const bootstrap = Fn.replace(ep.bootstrapEndpoint, 'SASL_SSL://', '');
    const secretOf = (name: string, data: Record<string, string>): SecretV1 =>
      new SecretV1(this, name, { metadata: { name, namespace }, data });

    // Images are pushed again under the same tag when the catalog changes: pull on every start,
    // and change the pod template with the catalog so that Kubernetes starts new pods.
    const annotations = { [CATALOG_DIGEST_ANNOTATION]: catalogDigest(catalog) };
    const labels = { 'app.kubernetes.io/name': 'streamplane-reconciler' };
    const account = new ServiceAccountV1(this, 'reconciler_account', {
      metadata: { name: 'streamplane-reconciler', namespace, labels },
    });
    const r = RECONCILER_VARS;
    const keys = platform.reconcilerKeys;
    const secret = secretOf('streamplane-reconciler-credentials', {
      [r.bootstrap]: bootstrap,
      [r.saslMechanism]: 'plain',
      [r.saslUsername]: keys.kafka.id,
      [r.saslPassword]: keys.kafka.secret,
      [r.registryUrl]: ep.registryEndpoint,
      [r.registryUsername]: keys.registry.id,
      [r.registryPassword]: keys.registry.secret,
      [r.principals]: Fn.jsonencode(platform.appPrincipals),
    });
    this.reconciler = new DeploymentV1(this, 'reconciler', {
      metadata: { name: 'streamplane-reconciler', namespace, labels },
      spec: {
        replicas: '1',
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations },
          spec: {
            serviceAccountName: account.metadata.name,
            container: [
              {
                name: 'reconciler',
                image: runtime.reconcilerImage,
                imagePullPolicy: 'Always',
                command: [...RECONCILER_COMMAND],
                env: [
                  { name: r.environment, value: env.name },
                  { name: r.mode, value: runtime.reconcilerMode },
                  { name: r.host, value: '0.0.0.0' },
                  { name: r.port, value: String(RECONCILER_PORT) },
                  {
                    name: r.tokens,
                    valueFrom: {
                      secretKeyRef: {
                        name: RECONCILER_TOKENS_SECRET,
                        key: 'tokens',
                        optional: true,
                      },
                    },
                  },
                ],
                envFrom: [{ secretRef: { name: secret.metadata.name } }],
                port: [{ name: 'http', containerPort: RECONCILER_PORT }],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: String(RECONCILER_PORT) },
                  periodSeconds: 10,
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: String(RECONCILER_PORT) },
                  periodSeconds: 5,
                },
              },
            ],
          },
        },
      },
    });
    new ServiceV1(this, 'reconciler_service', {
      metadata: { name: 'streamplane-reconciler', namespace, labels },
      spec: {
        selector: labels,
        port: [{ name: 'http', port: RECONCILER_PORT, targetPort: 'http' }],
      },
    });

    if (runtime.clientApp) {
      const appId =
        props.clientAppId ?? env.topics.find((t) => t.producers.length > 0)?.producers[0];
      if (!appId)
        throw new Error(`environment "${env.name}" wants the client app but no app produces`);
      const app = catalog.app(appId);
      // The sample's round trip on a topic the app produces, read back by one of its consumers.
      const topic = env.topics.find((t) => t.producers.includes(app.id) && t.consumers.length > 0);
      if (!topic)
        throw new Error(`environment "${env.name}": ${app.id} produces no topic that is consumed`);
      const clientLabels = { 'app.kubernetes.io/name': 'streamplane-clientapp' };
      const c = CLIENT_VARS;
      const kafka = platform.appKeys.kafka(app.id);
      const registry = platform.appKeys.registry(app.id);
      const clientSecret = secretOf('streamplane-clientapp-credentials', {
        [c.bootstrap]: bootstrap,
        [c.securityProtocol]: 'SASL_SSL',
        [c.saslMechanism]: 'PLAIN',
        [c.saslUsername]: kafka.id,
        [c.saslPassword]: kafka.secret,
        [c.registryUrl]: ep.registryEndpoint,
        [c.registryApiKey]: registry.id,
        [c.registryApiSecret]: registry.secret,
      });
      this.clientApp = new DeploymentV1(this, 'client_app', {
        metadata: { name: 'streamplane-clientapp', namespace, labels: clientLabels },
        spec: {
          replicas: '1',
          selector: { matchLabels: clientLabels },
          template: {
            metadata: { labels: clientLabels, annotations },
            spec: {
              container: [
                {
                  name: 'clientapp',
                  image: runtime.clientAppImage,
                  imagePullPolicy: 'Always',
                  command: [...CLIENT_APP_COMMAND],
                  args: [
                    '--producer',
                    app.id,
                    '--consumer',
                    topic.consumers[0] as string,
                    '--topic',
                    topic.name,
                  ],
                  env: [{ name: c.app, value: app.id }],
                  envFrom: [{ secretRef: { name: clientSecret.metadata.name } }],
                },
              ],
            },
          },
        },
      });
    }
  }
}
