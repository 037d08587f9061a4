// An ALLOW binding for any principal, shaped as the platform grants it (host and permission from
// catalog/access's GRANT): live-state fixtures for the importer's tests and benchmark.
import { GRANT } from '../../catalog/access';
import type { AclBinding } from '../../reconciler/cluster/types';

export function allowBinding(
  principal: string,
  resourceType: AclBinding['resourceType'],
  resourceName: string,
  operation: string,
  patternType: AclBinding['patternType'] = 'LITERAL',
): AclBinding {
  return {
    principal,
    host: GRANT.host,
    resourceType,
    resourceName,
    patternType,
    operation,
    permission: GRANT.permission,
  };
}
