// secrets-<env>: each app's connection details in its own AWS Secrets Manager secret, and an IAM
// policy per app that can read that secret and nothing else. The secret string is assembled by
// Terraform from the platform stack's (sensitive) API keys: no secret value is ever synthesized.
import { Fn, propertyAccess, ref, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import type { EnvironmentCatalog } from '../../catalog/model';
import type { PlatformStack } from '../platform/platform-stack';
import { CatalogStack, Entries, each, expression } from '../synth';
import { secretsStackName } from '../shared/names';
import { configureState } from '../shared/state';

export interface SecretsStackProps {
  readonly env: EnvironmentCatalog;
  readonly platform: PlatformStack;
}

export class SecretsStack extends CatalogStack {
  /** One secret per app, keyed by app id. */
  readonly secrets: SecretsmanagerSecret;
  readonly policies: IamPolicy;

  constructor(scope: Construct, props: SecretsStackProps) {
    const { env, platform } = props;
    super(scope, secretsStackName(env.name));
    configureState(this, { platform: env.platform, env: env.name, spec: env.spec });
    const region =
      env.spec.cloud === 'AWS' && env.spec.region ? env.spec.region : env.platform.state?.region;
    // AWS credentials come from the usual AWS environment (profile, SSO, role), never config.
    new AwsProvider(this, 'aws', region ? { region } : {});
    this.addDependency(platform);

    // Plain entries (CatalogStack.bindEntries), one per app, for each of the three blocks.
    const apps = new Entries<{ name: string; policy: string }>();
    const platformName = env.platform.platform.name;
    for (const a of env.apps) {
      apps.add(a.id, {
        name: `${platformName}/${env.name}/${a.id}`,
        policy: `${platformName}-${env.name}-${a.principal}-read-secret`,
      });
    }
    this.secrets = new SecretsmanagerSecret(this, 'app_secret', {
      name: each.value('name'),
      description: 'Kafka and schema registry connection for one streamplane app',
    });
    this.bindEntries(this.secrets, apps);

    const ep = platform.endpoints;
    // Tokens, not literal expressions: these sit in function calls cdktf renders itself, and some
    // read the platform stack (which cdktf turns into outputs and remote state).
    const eachKey = Token.asString(ref('each.key'));
    const key = (resource: { fqn: string }, attr: string): string =>
      Token.asString(propertyAccess(resource.fqn, [eachKey, attr]));
    const version = new SecretsmanagerSecretVersion(this, 'app_secret_value', {
      secretId: expression(this.secrets, 'id', 'each.key'),
      secretString: Fn.jsonencode({
        bootstrap_servers: Fn.replace(ep.bootstrapEndpoint, 'SASL_SSL://', ''),
        kafka_api_key: key(platform.appKeys.kafkaKeys, 'id'),
        kafka_api_secret: key(platform.appKeys.kafkaKeys, 'secret'),
        schema_registry_url: ep.registryEndpoint,
        schema_registry_api_key: key(platform.appKeys.registryKeys, 'id'),
        schema_registry_api_secret: key(platform.appKeys.registryKeys, 'secret'),
      }),
    });
    this.bindEntries(version, apps);

    this.policies = new IamPolicy(this, 'app_secret_read', {
      name: each.value('policy'),
      description: 'Read one streamplane app secret',
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: key(this.secrets, 'arn'),
          },
        ],
      }),
    });
    this.bindEntries(this.policies, apps);
  }
}
