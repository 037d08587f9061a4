// References to resources and their for_each instances: literal expressions within a stack, and
// tokens where another stack may read them (cdktf's cross-stack references become sensitive
// outputs + remote state).
import { TerraformDataSource, Token, ref } from 'cdktf';
import type { TerraformResource } from 'cdktf';
import { index } from './terraform-text';

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

/** `type.name["key"].attribute` of a for_each resource, as a string token. */
export function instanceAttribute(resource: TerraformResource, key: string, attribute: string) {
  return Token.asString(
    ref(
      `${resource.terraformResourceType}.${resource.friendlyUniqueId}${index(key)}.${attribute}`,
      resource.cdktfStack,
    ),
  );
}
