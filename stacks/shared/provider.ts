// The Confluent provider as every stack configures it. The Cloud API key and secret are never
// in the configuration: the provider reads CONFLUENT_CLOUD_API_KEY / CONFLUENT_CLOUD_API_SECRET.
// In a confluent-double environment the provider talks to the Confluent Cloud double on this
// machine: its address is a Terraform variable (`TF_VAR_confluent_endpoint`), so the synthesized
// stacks do not depend on the port the double was started on.
import { TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentSpec } from '../../catalog/format/platform-file';
import { ConfluentProvider } from '../.gen/providers/confluent/provider';
import type { ConfluentProviderConfig } from '../.gen/providers/confluent/provider';
import { variableExpression } from '../synth';
import { DOUBLE_DEFAULT_PORT, DOUBLE_ENDPOINT_VARIABLE } from './names';

export function confluentProvider(
  scope: Construct,
  spec: EnvironmentSpec,
  config: Omit<ConfluentProviderConfig, 'cloudApiKey' | 'cloudApiSecret' | 'endpoint'> = {},
): ConfluentProvider {
  const id = config.alias === undefined ? 'confluent' : `confluent_${config.alias}`;
  if (spec.kind !== 'confluent-double') return new ConfluentProvider(scope, id, config);
  return new ConfluentProvider(scope, id, { ...config, endpoint: doubleEndpoint(scope) });
}

/** The stack's `confluent_endpoint` variable (one per stack, shared by its providers), read. */
function doubleEndpoint(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(DOUBLE_ENDPOINT_VARIABLE);
  const endpoint =
    existing instanceof TerraformVariable
      ? existing
      : new TerraformVariable(stack, DOUBLE_ENDPOINT_VARIABLE, {
          type: 'string',
          default: `http://127.0.0.1:${DOUBLE_DEFAULT_PORT}`,
          description: 'Base URL of the Confluent Cloud double (npm run cloud-double:up)',
        });
  endpoint.overrideLogicalId(DOUBLE_ENDPOINT_VARIABLE);
  return variableExpression(endpoint);
}

/**
 * After creating a role binding (90 s) or an API key (about 2 min) the provider waits for
 * Confluent Cloud to propagate it. The double applies both at once, so in its environments the
 * stacks turn the waits off (the provider's own `disable_wait_for_ready`); elsewhere they stay.
 */
export function readinessWait(spec: EnvironmentSpec): { disableWaitForReady?: boolean } {
  return spec.kind === 'confluent-double' ? { disableWaitForReady: true } : {};
}
