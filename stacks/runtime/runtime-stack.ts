// runtime-<env>: the platform's own services on Kubernetes — the reconciler (Deployment, Service,
// ServiceAccount, probes, credentials in a Secret) and, where the environment asks, the sample
// client app. Credentials come from the platform stack as sensitive cross-stack values.
import { Fn, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { Catalog, EnvironmentCatalog } from '../../catalog/model';
import type { ApiKeyPair } from '../platform/account-keys';
import type { PlatformStack } from '../platform/platform-stack';
import { runtimeStackName } from '../shared/names';
import { configureState } from '../shared/state';

export const RECONCILER_PORT = 8080;

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
    configureState(this, { platform: catalog.platform, env: env.name, spec: env.spec });
    // Cluster access from the environment (KUBE_CONFIG_PATH, KUBE_CTX…), never from config.
    new KubernetesProvider(this, 'kubernetes', {});
    this.addDependency(platform);
    for (const d of props.domains) this.addDependency(d);

    this.namespace = new NamespaceV1(this, 'namespace', {
      metadata: { name: runtime.namespace, labels: { 'app.kubernetes.io/part-of': 'streamplane' } },
    });
    const namespace = this.namespace.metadata.name;
    const ep = platform.endpoints;
    const credentials = (name: string, kafka: ApiKeyPair, registry: ApiKeyPair): SecretV1 =>
      new SecretV1(this, name, {
        metadata: { name, namespace },
        data: {
          KAFKA_BOOTSTRAP_SERVERS: Fn.replace(ep.bootstrapEndpoint, 'SASL_SSL://', ''),
          KAFKA_API_KEY: kafka.id,
          KAFKA_API_SECRET: kafka.secret,
          SCHEMA_REGISTRY_URL: ep.registryEndpoint,
          SCHEMA_REGISTRY_API_KEY: registry.id,
          SCHEMA_REGISTRY_API_SECRET: registry.secret,
        },
      });

    const labels = { 'app.kubernetes.io/name': 'streamplane-reconciler' };
    const account = new ServiceAccountV1(this, 'reconciler_account', {
      metadata: { name: 'streamplane-reconciler', namespace, labels },
    });
    const secret = credentials(
      'streamplane-reconciler-credentials',
      platform.reconcilerKeys.kafka,
      platform.reconcilerKeys.registry,
    );
    this.reconciler = new DeploymentV1(this, 'reconciler', {
      metadata: { name: 'streamplane-reconciler', namespace, labels },
      spec: {
        replicas: '1',
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: account.metadata.name,
            container: [
              {
                name: 'reconciler',
                image: runtime.reconcilerImage,
                env: [
                  { name: 'RECONCILER_MODE', value: runtime.reconcilerMode },
                  { name: 'STREAMPLANE_ENVIRONMENT', value: env.name },
                  { name: 'PORT', value: String(RECONCILER_PORT) },
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
      const clientLabels = { 'app.kubernetes.io/name': 'streamplane-clientapp' };
      const clientSecret = credentials(
        'streamplane-clientapp-credentials',
        platform.appKeys.kafka(app.id),
        platform.appKeys.registry(app.id),
      );
      this.clientApp = new DeploymentV1(this, 'client_app', {
        metadata: { name: 'streamplane-clientapp', namespace, labels: clientLabels },
        spec: {
          replicas: '1',
          selector: { matchLabels: clientLabels },
          template: {
            metadata: { labels: clientLabels },
            spec: {
              container: [
                {
                  name: 'clientapp',
                  image: runtime.reconcilerImage.replace(
                    'streamplane-reconciler',
                    'streamplane-clientapp',
                  ),
                  env: [
                    { name: 'STREAMPLANE_APP', value: app.id },
                    { name: 'STREAMPLANE_ENVIRONMENT', value: env.name },
                  ],
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
