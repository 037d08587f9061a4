// References to resources and their for_each instances: literal expressions within a stack, and
// tokens where another stack may read them (cdktf's cross-stack references become sensitive
// outputs + remote state). Also the pieces of Terraform JSON written by hand where cdktf's own
// would cost too much or be wrong: one remote state per stack, dynamic blocks, and attributes
// whose binding type would want a token (numbers, maps, `depends_on`).
import { TerraformDataSource, TerraformStack, Token, ref } from 'cdktf';
import type { TerraformResource, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { index } from '../shared/terraform-text';
import { CatalogStack } from './catalog-stack';

/** The address of a resource or data source: `type.name`, `data.type.name`. */
export function address(element: TerraformResource | TerraformDataSource): string {
  const kind = element instanceof TerraformDataSource ? 'data.' : '';
  return `${kind}${element.terraformResourceType}.${element.friendlyUniqueId}`;
}

/**
 * `${<address>.<attribute>}` of a resource or data source of the same stack, or of one of its
 * for_each instances (`instance` is a Terraform expression such as `each.key`), as a literal
 * expression: no token, so it can sit in plain entries, and costs cdktf no resolution. Only
 * within a stack: cdktf cannot see a literal reference to carry it to another stack.
 */
export function expression(
  element: TerraformResource | TerraformDataSource,
  attribute: string,
  instance?: string,
): string {
  const at = instance === undefined ? '' : `[${instance}]`;
  return `\${${address(element)}${at}.${attribute}}`;
}

/** `${var.<name>}`: a variable of the same stack, as a literal expression (see `expression`). */
export function variableExpression(variable: TerraformVariable): string {
  return `\${var.${variable.friendlyUniqueId}}`;
}

/**
 * Attributes written as literal Terraform expressions (`{ partitions_count: each.value(…) }`),
 * by their Terraform names: for attributes whose binding type is not a string (a number, a map),
 * where cdktf would want a number or map token, and a token costs a resolution of the whole
 * block three times per synthesis.
 */
export function literalAttributes(
  resource: TerraformResource,
  attributes: Readonly<Record<string, string>>,
): void {
  CatalogStack.ofConstruct(resource).addLiteralAttributes(resource, attributes);
}

/**
 * `depends_on` as literal addresses of resources of the same stack. cdktf's `dependsOn` wraps
 * each dependency in a token, which makes the whole block go through token resolution.
 */
export function dependsOn(
  resource: TerraformResource,
  dependencies: readonly (TerraformResource | TerraformDataSource)[],
): void {
  CatalogStack.ofConstruct(resource).addLiteralAttributes(resource, {
    depends_on: dependencies.map(address),
  });
}

/** `type.name["key"].attribute` of a for_each resource, as a string token. */
export function instanceAttribute(resource: TerraformResource, key: string, attribute: string) {
  return Token.asString(
    ref(
      `${resource.terraformResourceType}.${resource.friendlyUniqueId}${index(key)}.${attribute}`,
      resource.cdktfStack,
    ),
  );
}

/**
 * `data.terraform_remote_state.<id>.outputs` of `producer`, read from `scope`'s stack, which
 * then depends on `producer` (so `cdktf deploy '*'` applies it first). The same data source
 * cdktf creates for a cross-stack reference, under a readable name, with literal expressions into
 * it instead of one output and one cross-stack token resolution per referenced attribute.
 */
export function remoteStateOutputs(scope: Construct, id: string, producer: TerraformStack): string {
  TerraformStack.of(scope).addDependency(producer);
  const state = producer
    .ensureBackendExists()
    .getRemoteStateDataSource(scope, 'state', producer.node.path);
  state.overrideLogicalId(id);
  return `data.terraform_remote_state.${state.friendlyUniqueId}.outputs`;
}

/**
 * A `dynamic "<name>"` block of a for_each resource, whose iterator is `<name>` (the content
 * reads `${<name>.value.…}`). Written by hand: cdktf names a nested dynamic iterator `each`,
 * which would shadow the resource's own for_each.
 */
export function dynamicBlock(
  resource: TerraformResource,
  name: string,
  forEach: string,
  content: Record<string, string>,
): void {
  resource.addOverride(`dynamic.${name}`, { for_each: forEach, content });
}
