// The catalog PR's one comment (.github/workflows/catalog-pr.yml): the validation findings, what
// Terraform would do per stack (from `terraform show -json` plans: adds, changes, destroys, with
// destroys and replacements called out), and the apps a schema change reaches (the consumers of
// each changed subject, with their owners from the catalog). Posted once per pull request and
// edited on every push, found again by its marker.
//
//   tsx scripts/pr-comment.ts render --validation v.json [--plans dir] [--plan-environment env]
//       [--base origin/main] [--reconciler-plan plan.md] [--root .] [--out comment.md]
//   tsx scripts/pr-comment.ts post --body comment.md --pr 12
//       (GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL from the environment, as in Actions)
//   tsx scripts/pr-comment.ts stacks --environment prod    the stacks to plan, one per line
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asksForHelp } from '../shared/cli';
import type { Diagnostic } from '../catalog/diagnostics';
import { DiskFiles, GitFiles, resolveRevision } from '../catalog/files';
import { CATALOG_PATHS, loadCatalog } from '../catalog/loader';
import type { Catalog } from '../catalog/model';
import {
  domainStackName,
  platformStackName,
  runtimeStackName,
  secretsStackName,
} from '../stacks/shared/names';

/** Finds the comment again on the next push. */
export const MARKER = '<!-- streamplane:catalog-pr -->';
/** GitHub refuses comments over 65,536 characters. */
export const MAX_BODY = 65_000;
const MAX_FINDINGS = 50;
const MAX_LISTED = 30;

// ------------------------------------------------------------------------------------ validation

/** `npm run validate -- --format json`'s output. */
export interface ValidationReport {
  readonly ok: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly diagnostics: readonly Diagnostic[];
}

export function readValidation(file: string): ValidationReport | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
    return Array.isArray(json.diagnostics) ? json : undefined;
  } catch {
    return undefined;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Table cells and inline code: no pipe or newline may end a cell early. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

export function renderValidation(report: ValidationReport | undefined): string {
  if (!report) return '### ❔ Validation\n\nValidation produced no report: see the job log.';
  const head = report.errors
    ? `### ❌ Validation: ${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}`
    : `### ✅ Validation passed${report.warnings ? ` (${plural(report.warnings, 'warning')})` : ''}`;
  if (report.diagnostics.length === 0) return head;
  const sorted = [...report.diagnostics].sort(
    (a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'),
  );
  const rows = sorted
    .slice(0, MAX_FINDINGS)
    .map(
      (d) =>
        `| ${d.severity === 'error' ? '❌' : '⚠️'} | ${code(`${d.file}:${d.line}:${d.col}`)} | ${code(d.rule)} | ${cell(d.message)}${d.hint ? ` _(${cell(d.hint)})_` : ''} |`,
    );
  const more =
    sorted.length > MAX_FINDINGS
      ? `\n\n…and ${sorted.length - MAX_FINDINGS} more (npm run validate lists them all).`
      : '';
  return `${head}\n\n|  | where | rule | finding |\n| --- | --- | --- | --- |\n${rows.join('\n')}${more}`;
}

// ------------------------------------------------------------------------------------- plans

/** The parts of `terraform show -json <planfile>` read here (format 1.x). */
export interface TerraformPlan {
  readonly format_version: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode: 'managed' | 'data';
    readonly type: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly replace_paths?: readonly (readonly (string | number)[])[];
    };
    readonly action_reason?: string;
  }[];
}

export interface PlanSummary {
  readonly stack: string;
  readonly creates: readonly string[];
  readonly updates: readonly string[];
  readonly deletes: readonly string[];
  readonly replaces: readonly { readonly address: string; readonly because: string }[];
}

const REASONS: Record<string, string> = {
  replace_because_cannot_update: 'an attribute that cannot change in place',
  replace_because_tainted: 'tainted',
  replace_by_request: 'requested (-replace)',
  replace_by_triggers: 'replace_triggered_by',
};

export function summarizePlan(stack: string, plan: TerraformPlan): PlanSummary {
  if (!/^1\./.test(plan.format_version ?? ''))
    throw new Error(`${stack}: not a terraform show -json plan (format ${plan.format_version})`);
  const creates: string[] = [];
  const updates: string[] = [];
  const deletes: string[] = [];
  const replaces: { address: string; because: string }[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const actions = rc.change.actions.join(',');
    if (actions === 'create') creates.push(rc.address);
    else if (actions === 'update') updates.push(rc.address);
    else if (actions === 'delete') deletes.push(rc.address);
    else if (actions === 'delete,create' || actions === 'create,delete') {
      const paths = (rc.change.replace_paths ?? []).map((p) => p.join('.'));
      const reason = REASONS[rc.action_reason ?? ''] ?? rc.action_reason ?? 'replacement';
      replaces.push({
        address: rc.address,
        because: paths.length ? `${paths.join(', ')} changed: ${reason}` : reason,
      });
    }
  }
  return { stack, creates, updates, deletes, replaces };
}

/** Every `<stack>.json` in a folder, as written by the workflow's plan step. */
export function readPlans(dir: string): PlanSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) =>
      summarizePlan(
        basename(f, '.json'),
        JSON.parse(readFileSync(join(dir, f), 'utf8')) as TerraformPlan,
      ),
    );
}

const listed = (addresses: readonly string[]): string =>
  addresses
    .slice(0, MAX_LISTED)
    .map((a) => `  - ${code(a)}`)
    .concat(addresses.length > MAX_LISTED ? [`  - …and ${addresses.length - MAX_LISTED} more`] : [])
    .join('\n');

export function renderPlans(
  plans: readonly PlanSummary[] | undefined,
  environment: string | undefined,
  note?: string,
): string {
  const title = `### Terraform plan${environment ? ` for ${code(environment)}` : ''}`;
  if (!plans) return `${title}\n\n${note ?? 'Not planned on this run.'}`;
  const adds = (p: PlanSummary): number => p.creates.length + p.replaces.length;
  const destroys = (p: PlanSummary): number => p.deletes.length + p.replaces.length;
  const rows = plans.map(
    (p) =>
      `| ${code(p.stack)} | ${adds(p)} | ${p.updates.length} | ${destroys(p) ? `**${destroys(p)}**` : 0} | ${p.replaces.length ? `**${p.replaces.length}**` : 0} |`,
  );
  const out = [
    title,
    '',
    '| stack | add | change | destroy | of which replaced |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
  const deletes = plans.filter((p) => p.deletes.length);
  const replaces = plans.filter((p) => p.replaces.length);
  if (deletes.length) {
    out.push('', '> [!CAUTION]', '> **Destroyed** (data in a destroyed topic is gone):');
    for (const p of deletes)
      out.push(`> - ${code(p.stack)}:`, listed(p.deletes).replace(/^/gm, '> '));
  }
  if (replaces.length) {
    out.push('', '> [!WARNING]', '> **Replaced**: destroyed, then created again:');
    for (const p of replaces) {
      out.push(`> - ${code(p.stack)}:`);
      for (const r of p.replaces.slice(0, MAX_LISTED))
        out.push(`>   - ${code(r.address)}: ${cell(r.because)}`);
    }
  }
  if (plans.every((p) => adds(p) + p.updates.length + destroys(p) === 0))
    out.push('', 'No changes: the stacks match the deployed infrastructure.');
  if (note) out.push('', note);
  return out.join('\n');
}

// ------------------------------------------------------------------------------ schema changes

export interface AffectedSubject {
  readonly subject: string;
  readonly change: 'changed' | 'new';
  /** Referenced schemas that changed, when the subject's own text did not. */
  readonly through: readonly string[];
  readonly topics: readonly {
    readonly topic: string;
    readonly consumers: readonly { readonly app: string; readonly owner: string }[];
  }[];
}

/**
 * Subjects whose schema (or a schema it references, at any depth) differs between the two
 * catalogs, or that are new, with the topics that use them and those topics' consumers.
 */
export function affectedBySchemaChanges(base: Catalog, head: Catalog): AffectedSubject[] {
  const before = new Map(base.subjects.map((s) => [s.name, s]));
  const changed = new Map<string, string[]>(); // subject → changed references it goes through
  const own = new Set<string>();
  // Referenced subjects come first (model.ts), so a reference is decided before its users.
  for (const s of head.subjects) {
    const was = before.get(s.name);
    if (!was || was.schema.text !== s.schema.text) own.add(s.name);
    const through = s.schema.references
      .filter((r) => changed.has(r.subject))
      .flatMap((r) => (own.has(r.subject) ? [r.subject] : (changed.get(r.subject) ?? [])));
    if (own.has(s.name) || through.length) changed.set(s.name, [...new Set(through)]);
  }
  const owner = (app: string): string => {
    const domain = head.domain(app.split('/')[0] ?? '');
    return domain?.team ?? '?';
  };
  const existed = new Set(base.topics.filter((t) => !t.delete).map((t) => t.name));
  const out: AffectedSubject[] = [];
  for (const [subject, through] of changed) {
    const topics = head.topics
      .filter((t) => !t.delete && (t.schema?.value === subject || t.schema?.key === subject))
      .map((t) => ({
        topic: t.name,
        consumers: t.consumers.map((app) => ({ app, owner: owner(app) })),
      }));
    // A referenced-only subject reaches consumers through the subjects that use it; a new
    // topic's schema reaches no one yet.
    if (topics.length === 0 || topics.every((t) => !existed.has(t.topic))) continue;
    out.push({
      subject,
      change: before.has(subject) ? 'changed' : 'new',
      through: own.has(subject) ? [] : through,
      topics,
    });
  }
  return out.sort((a, b) => a.subject.localeCompare(b.subject));
}

export function renderAffected(affected: readonly AffectedSubject[] | undefined): string {
  const title = '### Apps affected by schema changes';
  if (!affected) return `${title}\n\nNot compared: no base revision.`;
  if (affected.length === 0) return `${title}\n\nNo schema changed.`;
  const rows = affected.flatMap((a) =>
    a.topics.map(
      (t) =>
        `| ${code(a.subject)} | ${a.change}${a.through.length ? ` (through ${a.through.map(code).join(', ')})` : ''} | ${code(t.topic)} | ${
          t.consumers.length
            ? t.consumers.map((c) => `${code(c.app)} (${c.owner})`).join(', ')
            : '_none_'
        } |`,
    ),
  );
  const owners = [
    ...new Set(affected.flatMap((a) => a.topics.flatMap((t) => t.consumers.map((c) => c.owner)))),
  ].sort();
  return [
    title,
    '',
    '| subject | change | topic | consumers (owner) |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(owners.length ? ['', `Consumers' owners to tell: ${owners.join(', ')}`] : []),
  ].join('\n');
}

// ---------------------------------------------------------------------------------- comment

export interface CommentParts {
  readonly validation: ValidationReport | undefined;
  readonly plans?: readonly PlanSummary[];
  readonly planEnvironment?: string;
  readonly planNote?: string;
  readonly affected?: readonly AffectedSubject[];
  /** `npm run plan -- --format markdown`'s output, when the reconciler planned. */
  readonly reconcilerPlan?: string;
  readonly revision?: string;
}

export function renderComment(parts: CommentParts): string {
  const sections = [
    MARKER,
    `## Catalog check${parts.revision ? ` for ${parts.revision.slice(0, 12)}` : ''}`,
    renderValidation(parts.validation),
    renderAffected(parts.affected),
    renderPlans(parts.plans, parts.planEnvironment, parts.planNote),
    ...(parts.reconcilerPlan ? [`### Reconciler plan\n\n${parts.reconcilerPlan.trim()}`] : []),
    '<sub>Edited on every push by `scripts/pr-comment.ts` (catalog-pr workflow).</sub>',
  ];
  let body = sections.join('\n\n') + '\n';
  if (body.length > MAX_BODY) {
    const tail = '\n\n…cut here: the comment is too long for GitHub; the job log has everything.\n';
    body = body.slice(0, MAX_BODY - tail.length) + tail;
  }
  return body;
}

/** Both catalogs and what a schema change reaches; undefined when the base does not load. */
export function compareWithBase(root: string, base: string): AffectedSubject[] | undefined {
  const rev = resolveRevision(root, base);
  if (!rev) throw new Error(`--base ${base}: not a git revision in ${root}`);
  const before = loadCatalog(new GitFiles(root, rev, CATALOG_PATHS)).model;
  const after = loadCatalog(new DiskFiles(root)).model;
  return before && after ? affectedBySchemaChanges(before, after) : undefined;
}

/**
 * An environment's stacks, platform first, as synthesized in `outdir` (cdktf.out): a stack
 * selector like `*-dev` would also take `domain-x-pre-dev` of an environment named pre-dev.
 */
export function environmentStacks(catalog: Catalog, env: string, outdir?: string): string[] {
  if (!catalog.environments.includes(env))
    throw new Error(
      `unknown environment "${env}" (platform.yaml declares: ${catalog.environments.join(', ')})`,
    );
  const names = [
    platformStackName(env),
    ...catalog.domains.map((d) => domainStackName(d.name, env)),
    secretsStackName(env),
    runtimeStackName(env),
  ];
  if (outdir === undefined) return names;
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, unknown>;
  };
  return names.filter((n) => n in manifest.stacks);
}

// ------------------------------------------------------------------------------------ posting

export interface GitHubTarget {
  /** https://api.github.com, or GITHUB_API_URL. */
  readonly api: string;
  /** owner/name */
  readonly repository: string;
  readonly pr: number;
  readonly token: string;
}

/** Creates the comment, or edits the one carrying the marker. Returns what it did. */
export async function upsertComment(
  target: GitHubTarget,
  body: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ action: 'created' | 'updated'; id: number; url: string }> {
  if (!body.includes(MARKER))
    throw new Error('the comment has no marker: it could not be found again');
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${target.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
    'Content-Type': 'application/json',
  };
  const call = async (method: string, path: string, payload?: unknown): Promise<unknown> => {
    const res = await fetchImpl(`${target.api.replace(/\/$/, '')}${path}`, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    if (!res.ok)
      throw new Error(`${method} ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res.json();
  };
  const base = `/repos/${target.repository}/issues`;
  type Comment = { id: number; body?: string; html_url: string };
  let existing: Comment | undefined;
  for (let page = 1; !existing; page++) {
    const comments = (await call(
      'GET',
      `${base}/${target.pr}/comments?per_page=100&page=${page}`,
    )) as Comment[];
    existing = comments.find((c) => c.body?.includes(MARKER));
    if (comments.length < 100) break;
  }
  if (existing) {
    const c = (await call('PATCH', `${base}/comments/${existing.id}`, { body })) as Comment;
    return { action: 'updated', id: c.id, url: c.html_url };
  }
  const c = (await call('POST', `${base}/${target.pr}/comments`, { body })) as Comment;
  return { action: 'created', id: c.id, url: c.html_url };
}

// ---------------------------------------------------------------------------------------- CLI

const USAGE = `usage: pr-comment.ts render --validation <file> [--plans <dir>] [--plan-environment <env>]
         [--plan-note <text>] [--base <rev>] [--reconciler-plan <file>] [--root <dir>] [--out <file>]
       pr-comment.ts post --body <file> --pr <number>
       pr-comment.ts stacks --environment <env> [--root <dir>] [--outdir cdktf.out]`;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (asksForHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      validation: { type: 'string' },
      plans: { type: 'string' },
      'plan-environment': { type: 'string' },
      'plan-note': { type: 'string' },
      base: { type: 'string' },
      'reconciler-plan': { type: 'string' },
      root: { type: 'string', default: '.' },
      out: { type: 'string' },
      body: { type: 'string' },
      pr: { type: 'string' },
      environment: { type: 'string' },
      outdir: { type: 'string', default: 'cdktf.out' },
    },
  });
  const [command] = positionals;
  if (command === 'render') {
    if (!values.validation) throw new UsageError('render needs --validation <file>');
    const root = resolve(values.root);
    const body = renderComment({
      validation: readValidation(values.validation),
      ...(values.plans ? { plans: readPlans(values.plans) } : {}),
      ...(values['plan-environment'] ? { planEnvironment: values['plan-environment'] } : {}),
      ...(values['plan-note'] ? { planNote: values['plan-note'] } : {}),
      ...(values.base ? { affected: compareWithBase(root, values.base) } : {}),
      ...(values['reconciler-plan']
        ? { reconcilerPlan: readFileSync(values['reconciler-plan'], 'utf8') }
        : {}),
      ...(env.PR_HEAD_SHA ? { revision: env.PR_HEAD_SHA } : {}),
    });
    if (values.out) writeFileSync(values.out, body);
    else process.stdout.write(body);
    return 0;
  }
  if (command === 'post') {
    const pr = Number(values.pr);
    if (!values.body || !Number.isInteger(pr) || pr < 1)
      throw new UsageError('post needs --body <file> and --pr <number>');
    const missing = ['GITHUB_TOKEN', 'GITHUB_REPOSITORY'].filter((k) => !env[k]);
    if (missing.length)
      throw new UsageError(`post needs ${missing.join(' and ')} in the environment`);
    const result = await upsertComment(
      {
        api: env.GITHUB_API_URL ?? 'https://api.github.com',
        repository: env.GITHUB_REPOSITORY as string,
        pr,
        token: env.GITHUB_TOKEN as string,
      },
      readFileSync(values.body, 'utf8'),
    );
    console.log(`${result.action} comment ${result.id}: ${result.url}`);
    return 0;
  }
  if (command === 'stacks') {
    if (!values.environment) throw new UsageError('stacks needs --environment <name>');
    const catalog = loadCatalog(resolve(values.root)).catalog;
    if (!catalog) throw new Error('the catalog has errors: npm run validate');
    const stacks = environmentStacks(
      catalog,
      values.environment,
      resolve(values.root, values.outdir),
    );
    if (stacks.length === 0)
      throw new Error(`no stacks of ${values.environment} in ${values.outdir}`);
    console.log(stacks.join('\n'));
    return 0;
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
}

class UsageError extends Error {}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(
        err instanceof UsageError ? `${err.message}\n${USAGE}` : `error: ${(err as Error).message}`,
      );
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
