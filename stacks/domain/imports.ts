// Terraform `import` blocks for what `npm run import` found on an existing cluster (see
// importer/adoption.ts), so the first deploy of a domain stack adopts those topics, ACLs,
// subject configs and schemas instead of creating them again. Ids as the Confluent provider's
// importers read them; an import block of an instance already in state is a no-op.
import { GRANT } from '../../catalog/access';
import type { ImportBlock } from '../synth';
import type { Adoption } from '../../importer/adoption';
import type { DomainStack } from './domain-stack';

/**
 * The platform stack's outputs are sensitive; an import id must not be. Cluster ids and service
 * account ids are not secrets, so each interpolation of the id is unwrapped.
 */
function plain(expression: string): string {
  return expression.replace(/\$\{([^}]*)\}/g, (_, inner: string) => `\${nonsensitive(${inner})}`);
}

export function importBlocks(stack: DomainStack, adoption: Adoption): ImportBlock[] {
  const kafka = plain(stack.outputs.cluster('kafka_id'));
  const registry = plain(stack.outputs.cluster('schema_registry_id'));
  const blocks: ImportBlock[] = [];
  for (const topic of adoption.topics) {
    const to = stack.topics.address(topic);
    if (to) blocks.push({ to, id: `${kafka}/${topic}` });
  }
  for (const key of adoption.acls) {
    const acl = stack.acls.instance(key);
    if (!acl) continue;
    const e = acl.entry;
    const principal = plain(stack.principals.principal(JSON.stringify(e.app)));
    const id = [
      e.resource_type,
      e.resource_name,
      e.pattern_type,
      principal,
      GRANT.host,
      e.operation,
      GRANT.permission,
    ];
    blocks.push({ to: acl.address, id: `${kafka}/${id.join('#')}`, provider: 'confluent.acls' });
  }
  for (const subject of adoption.subjects) {
    const at = stack.schemas.addresses(subject);
    if (at.config) blocks.push({ to: at.config, id: `${registry}/${subject}` });
    if (at.schema) blocks.push({ to: at.schema, id: `${registry}/${subject}/latest` });
  }
  return blocks;
}

/** Adds the import blocks of this domain stack's share of the adoption list. */
export function adoptExisting(stack: DomainStack, adoption: Adoption): void {
  if (adoption.topics.length + adoption.acls.length + adoption.subjects.length === 0) return;
  stack.addImports(() => importBlocks(stack, adoption));
}
