// Writes an import into a catalog directory: new domain files, additions to existing ones
// (never a rewrite of what a person wrote, unless --overwrite), schema files, platform.yaml's
// allow-list additions, and CODEOWNERS for new domains. Returns the files it wrote.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CODEOWNERS_FILE, renderCodeowners } from '../catalog/codeowners';
import type { PlatformFile } from '../catalog/format/platform-file';
import type { Catalog, Topic } from '../catalog/model';
import { appId, keySubject, valueSubject } from '../catalog/naming';
import { formatDuration, formatSize, INFINITE } from '../catalog/units';
import { sameSchema } from '../reconciler/plan/planner';
import { appEntry, configValue, effectiveRetention, topicEntry } from './entries';
import type { Plain } from './entries';
import type { DomainImport, ImportPlan, TopicImport } from './mapping';
import type { Report } from './report';
import { YamlEdit } from './yaml-edit';
import type { EditOutcome } from './yaml-edit';

export interface WriteOptions {
  readonly out: string;
  readonly platform: PlatformFile;
  readonly existing?: Catalog;
  readonly overwrite: boolean;
}

const FORMAT_OF: Record<string, string> = { avsc: 'AVRO', json: 'JSON', proto: 'PROTOBUF' };

export function writeImport(plan: ImportPlan, opts: WriteOptions, report: Report): string[] {
  const written: string[] = [];
  const save = (rel: string, text: string): void => {
    const file = join(opts.out, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(rel);
  };
  const skipFiles = new Set<string>();
  for (const d of plan.domains.values()) {
    const rel = `topics/${d.name}.yaml`;
    const file = join(opts.out, rel);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const edit = writeDomain(d, text, plan, opts, report, skipFiles);
    if (edit.changed) save(rel, edit.toString());
  }
  for (const [path, f] of [...plan.files].sort(([a], [b]) => a.localeCompare(b))) {
    if (skipFiles.has(path)) continue;
    const file = join(opts.out, path);
    if (existsSync(file)) {
      const have = readFileSync(file, 'utf8');
      const format = FORMAT_OF[path.slice(path.lastIndexOf('.') + 1)] ?? 'AVRO';
      if (sameSchema(format, have, f.text)) continue;
      if (!opts.overwrite) {
        report.add(
          'conflict',
          path,
          `differs from subject ${f.subject} in the registry: kept (the first apply registers the file's version)`,
        );
        continue;
      }
      report.add('overwritten', path, `replaced by subject ${f.subject}`);
    }
    save(path, f.text);
  }
  if (plan.allowConfigs.length > 0) {
    const edit = new YamlEdit(readFileSync(join(opts.out, 'platform.yaml'), 'utf8'));
    for (const key of plan.allowConfigs) {
      if (edit.append(['limits', 'topicConfigs'], key))
        report.add(
          'platform',
          `limits.topicConfigs ${key}`,
          'set on imported topics: allowed so they validate (a platform decision: review)',
        );
    }
    if (edit.changed) save('platform.yaml', edit.toString());
  }
  // CODEOWNERS from the owners alone: loading 10,000 imported topics again only to list teams
  // would cost more than the import.
  const owners = renderCodeowners({
    platform: opts.platform,
    domains: [
      ...(opts.existing?.domains ?? []).map((d) => ({ name: d.name, team: d.team })),
      ...[...plan.domains.keys()]
        .filter((name) => !opts.existing?.domain(name))
        .map((name) => ({ name, team: teamOf(opts.platform, name) })),
    ],
  });
  const codeowners = join(opts.out, CODEOWNERS_FILE);
  if (!existsSync(codeowners) || readFileSync(codeowners, 'utf8') !== owners)
    save(CODEOWNERS_FILE, owners);
  return written;
}

const topicIndex = new WeakMap<Catalog, Map<string, Topic>>();

/** A declared topic by its full name (one index per catalog: imports run over 10,000 topics). */
function existingTopic(catalog: Catalog | undefined, name: string): Topic | undefined {
  if (!catalog) return undefined;
  let index = topicIndex.get(catalog);
  if (!index) topicIndex.set(catalog, (index = new Map(catalog.topics.map((t) => [t.name, t]))));
  return index.get(name);
}

/** A new domain's team: "@<platform team's organisation>/<domain>", a placeholder to review. */
function teamOf(platform: PlatformFile, domain: string): string {
  const org = /^@([^/]+)\//.exec(platform.platform.team)?.[1] ?? 'TODO';
  return `@${org}/${domain}`;
}

function writeDomain(
  d: DomainImport,
  text: string | undefined,
  plan: ImportPlan,
  opts: WriteOptions,
  report: Report,
  skipFiles: Set<string>,
): YamlEdit {
  const env = plan.environment;
  const team = teamOf(opts.platform, d.name);
  const isNew = text === undefined;
  const edit = new YamlEdit(
    text,
    isNew
      ? {
          domain: d.name,
          description: `Imported from ${env}: describe the domain`,
          owners: { team },
        }
      : undefined,
  );
  if (isNew) {
    edit.header = ` Imported from environment "${env}" by npm run import. Review the placeholders.`;
    edit.changed = true;
    report.add(
      'placeholder',
      `topics/${d.name}.yaml`,
      `new domain: owners.team "${team}" (from platform.team's organisation) and the descriptions are placeholders`,
    );
  }
  const note = (outcome: EditOutcome, resource: string, what: string): void => {
    if (outcome === 'added' && !isNew) report.add('added', resource, what);
    if (outcome === 'overwritten') report.add('overwritten', resource, what);
    if (outcome === 'conflict')
      report.add('conflict', resource, `${what}, but the catalog says otherwise`);
  };

  for (const app of [...d.apps.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const id = appId(d.name, app.name);
    const known = opts.existing?.apps.get(id);
    if (!known)
      note(
        edit.put(['apps', app.name], appEntry(app, env)),
        `app ${id}`,
        `new app (principal ${app.principal})`,
      );
    else if (app.transactional && !known.transactional)
      note(
        edit.put(['apps', app.name, 'transactional'], true, { overwrite: opts.overwrite }),
        `app ${id}`,
        'has transactional-id ACLs (transactional: true)',
      );
  }
  let first = isNew;
  for (const imp of d.topics.values()) {
    const known = existingTopic(opts.existing, imp.topic.name);
    if (!known) {
      note(
        edit.put(['topics', imp.topic.key], topicEntry(imp, opts.platform, env), {
          spaceBefore: !first,
        }),
        `topic ${imp.topic.name}`,
        'new topic',
      );
      first = false;
      continue;
    }
    mergeTopic(edit, known, imp, plan, opts, report, skipFiles);
  }
  return edit;
}

/** An existing topic: this environment's differences become its overrides. */
function mergeTopic(
  edit: YamlEdit,
  known: Topic,
  imp: TopicImport,
  plan: ImportPlan,
  opts: WriteOptions,
  report: Report,
  skipFiles: Set<string>,
): void {
  const env = plan.environment;
  const t = imp.topic;
  const base = ['topics', known.key];
  const at = [...base, 'environments', env];
  const o = known.environments[env] ?? {};
  const resource = `topic ${t.name}`;
  const override = (field: string, value: Plain, what: string): void => {
    const outcome = edit.put([...at, field], value, { overwrite: opts.overwrite });
    if (outcome === 'added') report.add('added', resource, `environments.${env}.${field}: ${what}`);
    if (outcome === 'overwritten')
      report.add('overwritten', resource, `environments.${env}.${field}: ${what}`);
    if (outcome === 'conflict')
      report.add('conflict', resource, `${env} has ${what}; the catalog says otherwise for ${env}`);
  };
  const partitions = o.partitions ?? known.partitions;
  if (partitions !== t.partitions)
    override('partitions', t.partitions, `${t.partitions} partitions`);
  if (known.cleanupPolicy !== t.cleanupPolicy) {
    const outcome = edit.put([...base, 'cleanupPolicy'], t.cleanupPolicy, {
      overwrite: opts.overwrite,
    });
    if (outcome === 'overwritten' || (outcome === 'added' && opts.overwrite))
      report.add('overwritten', resource, `cleanupPolicy: ${t.cleanupPolicy}`);
    else
      report.add(
        'conflict',
        resource,
        `${env} has cleanup.policy ${t.cleanupPolicy}, the catalog ${known.cleanupPolicy} (not overridable per environment)`,
      );
  }
  const retention = o.retention ?? known.retentionMs;
  const live = effectiveRetention(t, opts.platform);
  if (live === undefined && retention !== undefined)
    report.add(
      'conflict',
      resource,
      `${env} keeps data for ever (compacted, no retention.ms); the catalog sets retention ${formatDuration(retention)}`,
    );
  else if (live !== undefined && live !== retention)
    override('retention', formatDuration(live), `retention ${formatDuration(live)}`);
  const size = o.retentionSize ?? known.retentionBytes ?? INFINITE;
  const liveSize = t.retentionBytes ?? INFINITE;
  if (size !== liveSize)
    override('retentionSize', formatSize(liveSize), `retention size ${formatSize(liveSize)}`);
  const config = { ...known.config, ...(o.config ?? {}) };
  for (const [k, v] of Object.entries(t.config)) {
    if (config[k] !== v) {
      const outcome = edit.put([...at, 'config', k], configValue(v), { overwrite: opts.overwrite });
      if (outcome === 'conflict')
        report.add('conflict', resource, `${env} has ${k}=${v}; the catalog says ${config[k]}`);
      else if (outcome !== 'same')
        report.add(outcome, resource, `environments.${env}.config ${k}=${v}`);
    }
  }
  for (const k of Object.keys(config))
    if (!(k in t.config))
      report.add(
        'conflict',
        resource,
        `${env} does not set ${k}; the catalog sets ${config[k]} (an override cannot unset it)`,
      );

  const idOf = (ref: string): string => (ref.includes('/') ? ref : `${known.domain}/${ref}`);
  for (const role of ['producers', 'consumers'] as const) {
    const have = new Set(known[role]);
    const liveIds = new Set(imp[role].map(idOf));
    for (const ref of imp[role])
      if (!have.has(idOf(ref)) && edit.append([...base, role], ref))
        report.add('added', resource, `${role}: ${ref} (from the cluster's ACLs)`);
    for (const id of have)
      if (!liveIds.has(id))
        report.add(
          'drift',
          resource,
          `the catalog lists ${id} as ${role.slice(0, -1)}, ${env} has no such ACL: the first apply grants it`,
        );
  }

  if (!imp.schema) return;
  if (!known.schema) {
    const s: Record<string, Plain> = {};
    if (imp.schema.value) s.value = imp.schema.value;
    if (imp.schema.key) s.key = imp.schema.key;
    if (imp.schema.compatibility) s.compatibility = imp.schema.compatibility;
    if (edit.put([...base, 'schema'], s) === 'added')
      report.add('added', resource, 'schema from the registry');
    return;
  }
  // The topic declares its schemas: compare, never write a second file for the same subject.
  for (const [role, subject] of [
    ['value', valueSubject(t.name)],
    ['key', keySubject(t.name)],
  ] as const) {
    const file = imp.schema[role];
    if (!file) continue;
    const path = `schemas/${t.domain}/${file}`;
    const declared = opts.existing?.subjects.find((s) => s.name === subject)?.schema;
    const f = plan.files.get(path);
    if (!declared || !f) continue;
    if (declared.path !== path) skipFiles.add(path);
    if (!sameSchema(declared.format, declared.text, f.text))
      report.add(
        'conflict',
        `subject ${subject}`,
        `${env}'s latest version differs from ${declared.path}: kept (the first apply registers the file's version)`,
      );
  }
}
