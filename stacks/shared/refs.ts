// References to one instance of a `for_each` block, usable in this stack or (through cdktf's
// cross-stack references, which become sensitive outputs + remote state) in another one.
import { Token, ref } from 'cdktf';
import type { TerraformResource } from 'cdktf';
import { index } from './terraform-text';

/** `type.name["key"].attribute` of a for_each resource, as a string token. */
export function instanceAttribute(resource: TerraformResource, key: string, attribute: string) {
  return Token.asString(
    ref(
      `${resource.terraformResourceType}.${resource.friendlyUniqueId}${index(key)}.${attribute}`,
      resource.cdktfStack,
    ),
  );
}
