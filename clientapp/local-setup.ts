// Puts one catalog topic on the local stack as the admin, under a name prefix: the topic, the
// ACLs the catalog derives for it, and its subjects (references first). Integration tests and
// benchmarks isolate themselves this way; applying the catalog itself is the reconciler's job
// (`npm start`, `npm run clientapp -- --setup`).
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { AclEntry, Admin } from 'kafkajs';
import { GRANT, principalOf, uniqueGrants } from '../catalog/access';
import type { AclGrant } from '../catalog/access';
import { loadCatalog } from '../catalog/loader';
import type { Catalog, Subject } from '../catalog/model';
import { subjectClosure } from '../catalog/references';
import { toKafkajs } from '../reconciler/cluster/acl-codes';
import { HttpSchemaRegistry } from '../reconciler/cluster/registry';
import { REPO_ROOT } from '../shared/repo-root';
import {
  ADMIN_USER,
  localSasl,
  readAddressBook,
  readLocalCredentials,
} from '../shared/local-stack';

export interface LocalTarget {
  bootstrap: string;
  registryUrl: string;
  /** Admin SCRAM credentials file of that stack. */
  credentialsFile: string;
}

export interface SetupOptions {
  /** Full catalog topic name, e.g. "orders.order-created.v1". */
  topic: string;
  /** Prefix for the topic and subject names (isolation for tests and benchmarks). */
  namePrefix?: string;
  /** Partitions, instead of the catalog's local value. */
  partitions?: number;
  target?: LocalTarget;
  catalog?: Catalog;
}

export interface SetupResult {
  topic: string;
  subjects: string[];
  acls: AclEntry[];
}

export function localTarget(root?: string): LocalTarget {
  return readAddressBook(root);
}

export function adminClient(target: LocalTarget): Kafka {
  return new Kafka({
    clientId: 'streamplane-clientapp-setup',
    brokers: [target.bootstrap],
    sasl: localSasl(readLocalCredentials(target.credentialsFile), ADMIN_USER),
    logLevel: logLevel.NOTHING,
  });
}

export function loadLocalCatalog(): Catalog {
  const result = loadCatalog(REPO_ROOT);
  if (!result.catalog) throw new Error('the catalog has errors: run `npm run validate`');
  return result.catalog;
}

/**
 * What the catalog grants for the roles apps have on this topic (catalog/access.ts: the topic,
 * its consumers' group prefixes, its transactional producers' ids), as kafkajs ACL entries.
 */
export function aclEntries(catalog: Catalog, topic: string, prefix: string): AclEntry[] {
  const grants = uniqueGrants(catalog.access.topic(topic).flatMap((g) => g.acls));
  return grants.map((g) => toEntry(catalog, g, g.resourceType === 'TOPIC' ? prefix : ''));
}

function toEntry(catalog: Catalog, g: AclGrant, prefix: string): AclEntry {
  return toKafkajs({
    principal: principalOf({ kind: 'app-users' }, catalog.app(g.app)) as string,
    ...GRANT,
    resourceType: g.resourceType,
    resourceName: `${prefix}${g.resourceName}`,
    patternType: g.patternType,
    operation: g.operation,
  });
}

/** The value subject and everything it references, references first (the catalog's order). */
function subjectsFor(catalog: Catalog, topic: string): Subject[] {
  const env = catalog.for('local');
  const value = env.topics.find((t) => t.name === topic)?.schema?.value;
  const needed = new Set(subjectClosure(env.subjects, value ? [value] : []));
  return env.subjects.filter((s) => needed.has(s));
}

export async function registerSubjects(
  registryUrl: string,
  subjects: readonly Subject[],
  prefix: string,
): Promise<string[]> {
  const registry = new HttpSchemaRegistry({ url: registryUrl });
  const versions = new Map<string, number>();
  for (const s of subjects) {
    const name = `${prefix}${s.name}`;
    const references = s.schema.references.map((r) => ({
      name: r.name,
      subject: `${prefix}${r.subject}`,
      version: versions.get(r.subject) ?? 1,
    }));
    await registry.register(name, {
      schema: s.schema.text,
      schemaType: s.schema.format,
      references,
    });
    const latest = await registry.latest(name);
    if (!latest) throw new Error(`${name}: registered, then not found in ${registryUrl}`);
    versions.set(s.name, latest.version);
  }
  return subjects.map((s) => `${prefix}${s.name}`);
}

async function createTopic(
  admin: Admin,
  name: string,
  partitions: number,
  config: Record<string, string>,
): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(name)) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: name,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: Object.entries(config).map(([k, value]) => ({ name: k, value })),
      },
    ],
  });
}

export async function setupTopic(opts: SetupOptions): Promise<SetupResult> {
  const catalog = opts.catalog ?? loadLocalCatalog();
  const target = opts.target ?? localTarget();
  const prefix = opts.namePrefix ?? '';
  const spec = catalog.for('local').topics.find((t) => t.name === opts.topic);
  if (!spec) throw new Error(`no topic ${opts.topic} in the catalog`);
  const name = `${prefix}${spec.name}`;
  const admin = adminClient(target).admin();
  await admin.connect();
  try {
    await createTopic(admin, name, opts.partitions ?? spec.partitions, spec.config);
    const acls = aclEntries(catalog, spec.name, prefix);
    await admin.createAcls({ acl: acls });
    // New ACLs reach the authorizer through the metadata log, a moment after the call returns.
    await sleep(500);
  } finally {
    await admin.disconnect();
  }
  const subjects = await registerSubjects(
    target.registryUrl,
    subjectsFor(catalog, spec.name),
    prefix,
  );
  return { topic: name, subjects, acls: aclEntries(catalog, spec.name, prefix) };
}
