// Throw-away catalogs for tests and the benchmark: platform.yaml from the repo plus domain files
// under a unique domain, so runs against a shared broker never see each other's resources.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { KafkaAdmin } from '../../reconciler/cluster/kafka-admin';
import { REPO_ROOT } from '../../shared/repo-root';

export interface FixtureTopic {
  key: string;
  partitions?: number;
  retention?: string;
  cleanupPolicy?: string;
  config?: Record<string, string | number>;
  /** A schema file name under schemas/<domain>/, and its key type. */
  schema?: string;
  producers?: string[];
  consumers?: string[];
  deletionProtection?: boolean;
  delete?: boolean;
}

export interface DomainSpec {
  apps: Record<string, { transactional?: boolean }>;
  topics: FixtureTopic[];
  /** File name → content, under schemas/<domain>/. */
  schemas?: Record<string, string>;
}

export interface Fixture {
  readonly root: string;
  readonly domain: string;
  write(spec: DomainSpec): void;
  /** `<domain>.<key>.v1` */
  topic(key: string): string;
  principal(app: string): string;
  cleanup(): void;
}

/** A unique kebab-case domain name ("itrecon" + 8 hex characters). */
export function uniqueDomain(prefix = 'itrecon'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export function catalogFixture(domain = uniqueDomain()): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'streamplane-reconciler-'));
  copyFileSync(join(REPO_ROOT, 'platform.yaml'), join(root, 'platform.yaml'));
  const fixture: Fixture = {
    root,
    domain,
    write(spec) {
      rmSync(join(root, 'topics'), { recursive: true, force: true });
      rmSync(join(root, 'schemas'), { recursive: true, force: true });
      mkdirSync(join(root, 'topics'), { recursive: true });
      writeFileSync(join(root, 'topics', `${domain}.yaml`), domainYaml(domain, spec));
      const schemaDir = join(root, 'schemas', domain);
      mkdirSync(schemaDir, { recursive: true });
      for (const [file, text] of Object.entries(spec.schemas ?? {}))
        writeFileSync(join(schemaDir, file), text);
    },
    topic: (key) => `${domain}.${key}.v1`,
    principal: (app) => `User:${domain}.${app}`,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  return fixture;
}

export function domainYaml(domain: string, spec: DomainSpec): string {
  const lines = [
    `domain: ${domain}`,
    'description: Reconciler test domain',
    'owners: { team: "@acme/platform-team" }',
    'apps:',
  ];
  for (const [name, app] of Object.entries(spec.apps)) {
    lines.push(`  ${name}:`, `    description: ${name}`);
    if (app.transactional) lines.push('    transactional: true');
  }
  lines.push(spec.topics.length ? 'topics:' : 'topics: {}');
  for (const t of spec.topics) {
    lines.push(`  ${t.key}:`, `    description: ${t.key}`);
    if (t.partitions !== undefined) lines.push(`    partitions: ${t.partitions}`);
    if (t.retention) lines.push(`    retention: ${t.retention}`);
    if (t.cleanupPolicy) lines.push(`    cleanupPolicy: ${t.cleanupPolicy}`);
    if (t.config) lines.push(`    config: ${JSON.stringify(t.config)}`);
    if (t.schema) lines.push(`    schema: { value: ${t.schema}, key: string }`);
    if (t.producers) lines.push(`    producers: [${t.producers.join(', ')}]`);
    if (t.consumers) lines.push(`    consumers: [${t.consumers.join(', ')}]`);
    if (t.deletionProtection !== undefined)
      lines.push(`    deletionProtection: ${t.deletionProtection}`);
    if (t.delete) lines.push('    delete: true');
  }
  return `${lines.join('\n')}\n`;
}

/** The reconciler's own topics (events, errors, summary, requests) inside a test domain. */
export function ioTopicSpecs(): { topics: FixtureTopic[]; schemas: Record<string, string> } {
  const schema = (f: string): string =>
    readFileSync(join(REPO_ROOT, 'schemas', 'platform', f), 'utf8');
  const io = (key: string, file: string): FixtureTopic => ({
    key,
    partitions: 1,
    retention: '1d',
    schema: file,
    producers: ['reconciler'],
    consumers: ['reconciler'],
  });
  return {
    topics: [
      io('reconciliation-requests', 'reconciliation-request.json'),
      io('reconciler-events', 'reconciler-event.json'),
      io('reconciler-errors', 'reconciler-event.json'),
      io('reconciler-summary', 'reconciler-summary.json'),
    ],
    schemas: {
      'reconciliation-request.json': schema('reconciliation-request.json'),
      'reconciler-event.json': schema('reconciler-event.json'),
      'reconciler-summary.json': schema('reconciler-summary.json'),
    },
  };
}

/** Removes a fixture domain's topics, and the ACLs on its resources, from the shared broker. */
export async function removeDomainResources(admin: KafkaAdmin, domain: string): Promise<void> {
  const prefix = `${domain}.`;
  const topics = (await admin.describeTopics()).map((t) => t.name);
  await admin.deleteTopics(topics.filter((n) => n.startsWith(prefix)));
  const acls = await admin.describeAcls();
  await admin.deleteAcls(acls.filter((a) => a.resourceName.startsWith(prefix)));
}
