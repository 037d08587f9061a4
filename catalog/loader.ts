// Parses every catalog file once, checks it, and builds the one typed, immutable model.
import { posix } from 'node:path';
import type { Diagnostic, Position } from './diagnostics';
import { Diagnostics } from './diagnostics';
import { DiskFiles, linkFolder } from './files';
import { TOPICS_DIR } from './layout';
import type { CatalogFiles } from './files';
import type * as DomainFormat from './format/domain-file';
import type { AppSpec, TopicSpec } from './format/domain-file';
import type { ZodError, ZodType } from 'zod';
import type * as PlainTopic from './format/plain-topic';
import type * as PlatformFormat from './format/platform-file';
import type { PlatformFile } from './format/platform-file';
import { buildCatalog } from './build';
import type { Catalog } from './model';
import { RULES } from './rules';
import { checkCapacity } from './rules/capacity';
import type { DomainDraft, RuleContext } from './rules/context';
import {
  OutlinedSchema,
  outlineOf,
  parseSchemaFile,
  refusedSchema,
  schemaFormat,
} from './schemas/parse';
import type { ParseCache, ParsedDomain, SchemaOutline } from './parse-cache';
import type * as Parallel from './parallel';
import type { Helped, Helpers, ParallelOptions } from './parallel';
import type { ParsedSchema } from './schemas/parse';
import { resolveSchemas } from './schemas/resolve';
import type { SchemaVerdicts } from './schemas/verdicts';
import { SourceFile } from './source';
import type { Path } from './source';
import type * as ZodIssues from './zod-issues';
import { admit, deepYaml, plainYamlShallow } from './input';
import { plainYaml } from './plain-yaml';
import type { PlainYaml } from './plain-yaml';
import type { InputKind } from './input';
import type * as KnownKeys from './format/known-keys';

// The formats' zod shapes and what reports their issues load with the first file the parse
// cache does not know: validating an unchanged catalog loads neither zod nor a YAML parser.
/* eslint-disable @typescript-eslint/no-require-imports */
const domainFormat = (): typeof DomainFormat =>
  require('./format/domain-file') as typeof DomainFormat;
const plainTopicFormat = (): typeof PlainTopic =>
  require('./format/plain-topic') as typeof PlainTopic;
const platformFormat = (): typeof PlatformFormat =>
  require('./format/platform-file') as typeof PlatformFormat;
const reportZodIssues: typeof ZodIssues.reportZodIssues = (...args) =>
  (require('./zod-issues') as typeof ZodIssues).reportZodIssues(...args);
const knownKeysAt: typeof KnownKeys.knownKeysAt = (...args) =>
  (require('./format/known-keys') as typeof KnownKeys).knownKeysAt(...args);
/* eslint-enable @typescript-eslint/no-require-imports */

export const PLATFORM_FILE = 'platform.yaml';
export { TOPICS_DIR };
export const SCHEMAS_DIR = 'schemas';
export const CATALOG_PATHS = [PLATFORM_FILE, TOPICS_DIR, SCHEMAS_DIR] as const;

export interface LoadResult {
  /** Present only when there is no error. */
  readonly catalog?: Catalog;
  /** Best-effort model built despite errors (what parsed), for checks that compare catalogs. */
  readonly model?: Catalog;
  /** Position of a path in a catalog file (its nearest existing ancestor; line 1 if unknown). */
  readonly locate: (file: string, path: readonly (string | number)[], key?: boolean) => Position;
  readonly diagnostics: readonly Diagnostic[];
  readonly errorCount: number;
}

/** Loads the catalog from a directory or any other file source (e.g. a git revision). */
export interface LoadOptions {
  /** Schemas known to pass their check (see schemas/verdicts.ts); none by default. */
  readonly verdicts?: SchemaVerdicts;
  /** Files parsed and checked clean before (see parse-cache.ts); none by default. */
  readonly parseCache?: ParseCache;
  /** Receives milliseconds per phase (domains, schemas, rules, …), for the benchmark. */
  readonly phases?: Map<string, number>;
  /** Helper threads for a large catalog from disk (see parallel.ts); false for none. */
  readonly parallel?: ParallelOptions | false;
}

/** Runs `fn` and, when asked for, adds its duration to `phases` under `name`. */
export function timed<T>(phases: Map<string, number> | undefined, name: string, fn: () => T): T {
  if (!phases) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    phases.set(name, (phases.get(name) ?? 0) + performance.now() - start);
  }
}

export function loadCatalog(from: string | CatalogFiles, options: LoadOptions = {}): LoadResult {
  const files = typeof from === 'string' ? new DiskFiles(from) : from;
  const diagnostics = new Diagnostics();
  const { phases } = options;
  const ctx = parseAll(files, diagnostics, options);
  const sources = new Map<string, SourceFile>();
  if (ctx) {
    sources.set(PLATFORM_FILE, ctx.platformSource);
    for (const d of ctx.domains) sources.set(d.file, d.source);
  }
  const locate: LoadResult['locate'] = (file, path, key) =>
    sources.get(file)?.locate(path, key) ?? { file, line: 1, col: 1 };
  if (!ctx) return { diagnostics: diagnostics.all(), errorCount: diagnostics.errorCount, locate };
  timed(phases, 'rules', () => {
    for (const rule of RULES) rule(ctx);
  });
  const built = timed(phases, 'model', () => buildCatalog(ctx));
  timed(phases, 'capacity', () => checkCapacity(built, ctx.platformSource, diagnostics));
  const errorCount = diagnostics.errorCount;
  let sorted: readonly Diagnostic[] | undefined;
  return {
    ...(errorCount === 0 ? { catalog: built } : {}),
    model: built,
    locate,
    // Sorted when read: a command that only needs the catalog (plan, apply) never reads its
    // warnings, and a large catalog can have thousands.
    get diagnostics() {
      return (sorted ??= diagnostics.all());
    },
    errorCount,
  };
}

function parseAll(
  files: CatalogFiles,
  diagnostics: Diagnostics,
  options: LoadOptions,
): RuleContext | undefined {
  const slot: { helpers?: Helpers } = {};
  try {
    return parseFiles(files, diagnostics, options, slot);
  } finally {
    if (slot.helpers) {
      options.phases?.set('items done by helper threads', slot.helpers.helped());
      slot.helpers.stop();
    }
  }
}

function parseFiles(
  files: CatalogFiles,
  diagnostics: Diagnostics,
  { verdicts, parseCache, phases, parallel }: LoadOptions,
  slot: { helpers?: Helpers },
): RuleContext | undefined {
  const refused = diagnostics.size;
  const platformText = readChecked(files, PLATFORM_FILE, 'platform', diagnostics);
  if (platformText === undefined && diagnostics.size === refused) {
    diagnostics.error(
      { file: PLATFORM_FILE, line: 1, col: 1 },
      'missing-file',
      `no ${PLATFORM_FILE} in ${files.label}`,
      'the platform team keeps environments, naming and limits there; run from the repository root',
    );
  }
  const knownPlatform =
    platformText === undefined ? undefined : parseCache?.platform(PLATFORM_FILE, platformText);
  const platformFindings = diagnostics.size;
  const platformShallow =
    platformText !== undefined &&
    (knownPlatform !== undefined || !deepYaml(PLATFORM_FILE, platformText, diagnostics));
  const platformSource = new SourceFile(
    PLATFORM_FILE,
    platformShallow ? platformText : '',
    diagnostics,
    knownPlatform && { keys: knownPlatform.keys },
  );
  const platform =
    knownPlatform?.platform ??
    (platformShallow
      ? parseWith(platformFormat().platformFile, platformSource, diagnostics)
      : undefined);
  if (
    !knownPlatform &&
    platform &&
    platformText !== undefined &&
    platformSource.keyOffsets &&
    diagnostics.size === platformFindings
  )
    parseCache?.rememberPlatform(PLATFORM_FILE, platformText, {
      keys: platformSource.keyOffsets,
      platform,
    });

  const domains: DomainDraft[] = [];
  const brokenDomains = new Set<string>();
  const domainFiles = timed(phases, 'list files', () => files.list([TOPICS_DIR]));
  const schemaFiles = timed(phases, 'list files', () => files.list([SCHEMAS_DIR]));
  const helped = startHelpers(files, domainFiles, schemaFiles, parseCache, parallel);
  slot.helpers = helped?.helpers;
  timed(phases, 'domain files', () => {
    const misplaced = new Set<string>();
    for (const file of domainFiles) {
      const stem = posix.basename(file).replace(/\.yaml$/, '');
      if (file.endsWith('/') || posix.dirname(file) !== TOPICS_DIR) {
        // Something inside a directory of topics/: named by that directory, once.
        const entry = file.split('/').slice(0, 2).join('/');
        if (misplaced.has(entry)) continue;
        misplaced.add(entry);
        if (refuseLink(files, file, diagnostics)) continue;
        diagnostics.error(
          { file: entry, line: 1, col: 1 },
          'unexpected-file',
          `${entry} is a directory, not a domain file`,
          'topics/ holds one <domain>.yaml file per domain and no folders',
        );
        continue;
      }
      if (refuseLink(files, file, diagnostics)) continue;
      if (!file.endsWith('.yaml')) {
        const yml = /\.yml$/.test(file);
        diagnostics.error(
          { file, line: 1, col: 1 },
          'unexpected-file',
          yml ? `${file} has the extension .yml` : `${file} is not a domain file`,
          yml
            ? `rename it to ${file.replace(/\.yml$/, '.yaml')}: domain files end in .yaml`
            : 'topics/ holds one <domain>.yaml per domain and nothing else',
        );
        continue;
      }
      const text = readChecked(files, file, 'domain', diagnostics);
      if (text === undefined) {
        brokenDomains.add(stem);
        continue;
      }
      const cached = parseCache?.domain(file, text);
      const known = cached ?? helped?.take<ParsedDomain>('domains', file, text);
      if (known) {
        if (!cached) parseCache?.rememberDomain(file, text, known);
        domains.push(cachedDraft(file, text, known, diagnostics));
        continue;
      }
      const plain = guarded(file, diagnostics, () => plainYaml(text) ?? null);
      if (plain === undefined || tooDeep(file, text, plain, diagnostics)) {
        brokenDomains.add(stem);
        continue;
      }
      const findings = diagnostics.size;
      const parsedDomain = guarded(file, diagnostics, () => {
        const source = new SourceFile(file, text, diagnostics, undefined, plain);
        return source.data === undefined
          ? undefined
          : { source, ...parseDomain(source, diagnostics) };
      });
      if (!parsedDomain) {
        brokenDomains.add(stem);
        continue;
      }
      const { source, draft, broken } = parsedDomain;
      source.release(); // the draft holds what the loader made of it
      domains.push(draft);
      if (broken) brokenDomains.add(draft.domain).add(stem);
      else if (draft.header && source.keyOffsets && diagnostics.size === findings) {
        const { header, apps, topics } = draft;
        parseCache?.rememberDomain(file, text, { keys: source.keyOffsets, header, apps, topics });
      }
    }
  });

  const parsed = new Map<string, ParsedSchema>();
  timed(phases, 'schema files', () => {
    for (const file of schemaFiles) {
      if (file.endsWith('/')) continue; // an empty folder holds nothing to check
      const parts = file.split('/');
      const format = schemaFormat(file);
      if (!format && refuseLink(files, file, diagnostics)) continue;
      if (!format) {
        diagnostics.error(
          { file, line: 1, col: 1 },
          'schema-format',
          `${posix.basename(file)} is not a schema file`,
          'schemas are .avsc (Avro), .json (JSON Schema) or .proto (Protobuf)',
        );
        continue;
      }
      if (parts.length < 3) {
        diagnostics.error(
          { file, line: 1, col: 1 },
          'schema-location',
          'schema files live in a domain folder',
          'move it to schemas/<domain>/',
        );
        continue;
      }
      const domain = parts[1] as string;
      const text = readChecked(files, file, format, diagnostics);
      if (text === undefined) {
        // Refused (and reported): kept as a placeholder, so what references it is not also
        // reported as referencing nothing.
        parsed.set(file, refusedSchema(file, domain, format));
        continue;
      }
      const cached = parseCache?.schema(file, text);
      const outline = cached ?? helped?.take<SchemaOutline>('schemas', file, text);
      if (outline) {
        if (!cached) parseCache?.rememberSchema(file, text, outline);
        parsed.set(file, new OutlinedSchema(file, domain, text, outline));
        continue;
      }
      const schema = guarded(file, diagnostics, () => parseSchemaFile(file, domain, text));
      if (!schema) continue;
      parsed.set(file, schema);
      if (schema.problems.length === 0) parseCache?.rememberSchema(file, text, outlineOf(schema));
    }
  });
  const schemas = timed(phases, 'schema checks', () =>
    resolveSchemas(parsed, verdicts, helped?.helpers),
  );
  if (!platform) return undefined;
  return { platform, platformSource, domains, brokenDomains, schemas, diagnostics };
}

/**
 * Helper threads for a large catalog (parallel.ts), given the domain and schema files that the
 * parse cache does not know; `take` answers with what a helper made of a file, if it has this text.
 */
function startHelpers(
  files: CatalogFiles,
  domainFiles: readonly string[],
  schemaFiles: readonly string[],
  parseCache: ParseCache | undefined,
  options: ParallelOptions | false | undefined,
):
  | {
      helpers: Helpers;
      take<T>(phase: 'domains' | 'schemas', file: string, text: string): T | undefined;
    }
  | undefined {
  if (options === false || !(files instanceof DiskFiles)) return undefined;
  const todo = (file: string): boolean => !files.escapes(file) && !parseCache?.remembers(file);
  const domains = domainFiles.filter(
    (f) => posix.dirname(f) === TOPICS_DIR && f.endsWith('.yaml') && todo(f),
  );
  const schemas = schemaFiles.filter(
    (f) => schemaFormat(f) !== undefined && f.split('/').length >= 3 && todo(f),
  );
  if (domains.length === 0 && schemas.length === 0) return undefined; // all remembered
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Helpers } = require('./parallel') as typeof Parallel;
  const helpers = Helpers.start(files.root, domains, schemas, options);
  if (!helpers) return undefined;
  const index = {
    domains: new Map(domains.map((f, i) => [f, i])),
    schemas: new Map(schemas.map((f, i) => [f, i])),
  };
  return {
    helpers,
    take: <T>(phase: 'domains' | 'schemas', file: string, text: string): T | undefined => {
      const i = index[phase].get(file);
      const made = i === undefined ? undefined : helpers.take<Helped<T>>(phase, i);
      return made?.text === text ? made.value : undefined;
    },
  };
}

/**
 * A domain file's parse as the parse cache keeps it, or undefined when it has any finding (the
 * loading thread then parses it again and reports them): what a helper thread returns.
 */
export function cleanDomain(file: string, text: string): ParsedDomain | undefined {
  const diagnostics = new Diagnostics();
  const plain = plainYaml(text) ?? null;
  if (tooDeep(file, text, plain, diagnostics)) return undefined;
  const source = new SourceFile(file, text, diagnostics, undefined, plain);
  if (source.data === undefined) return undefined;
  const { draft, broken } = parseDomain(source, diagnostics);
  const { header, apps, topics } = draft;
  if (broken || !header || !source.keyOffsets || diagnostics.size > 0) return undefined;
  return { keys: source.keyOffsets, header, apps, topics };
}

/**
 * Reports a domain file nested deeper than the input gate allows (input.ts); true when it is.
 * A text the plain reader read shallow (`plain`, plain-yaml.ts) needs no scan for it.
 */
function tooDeep(
  file: string,
  text: string,
  plain: PlainYaml | null,
  diagnostics: Diagnostics,
): boolean {
  return !(plain && plainYamlShallow(plain)) && deepYaml(file, text, diagnostics);
}

/**
 * The text of a catalog file once it passed the input gate (input.ts), or undefined when it
 * does not exist or was refused (and reported).
 */
function readChecked(
  files: CatalogFiles,
  file: string,
  kind: InputKind,
  diagnostics: Diagnostics,
): string | undefined {
  if (refuseLink(files, file, diagnostics)) return undefined;
  const bytes = files.bytes(file);
  if (bytes === undefined && kind !== 'platform') {
    // Listed but unreadable: a link to nothing, or no permission to read it.
    diagnostics.error(
      { file, line: 1, col: 1 },
      'unreadable',
      `${file} cannot be read (a symbolic link to nothing, or no permission)`,
      'fix or remove the link, or make the file readable',
    );
  }
  return bytes === undefined ? undefined : admit(file, bytes, kind, diagnostics);
}

/** Reports a symbolic link that leaves its folder (see files.ts linkFolder); true when it does. */
function refuseLink(files: CatalogFiles, file: string, diagnostics: Diagnostics): boolean {
  const target = files.escapes(file);
  if (target === undefined) return false;
  diagnostics.error(
    { file, line: 1, col: 1 },
    'symlink-outside',
    `${file} is a symbolic link to ${target}, outside ${linkFolderLabel(file)}`,
    'copy the file into the catalog instead of linking to it: the catalog must be complete on its own',
  );
  return true;
}

function linkFolderLabel(file: string): string {
  const folder = linkFolder(file);
  return folder === '.' ? 'the repository' : `${folder}/`;
}

/**
 * Runs one file's parse and checks; a failure there that is not a finding (a bug, or a
 * library's limit) is reported on the file instead of stopping validation with a stack trace.
 */
function guarded<T>(file: string, diagnostics: Diagnostics, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    diagnostics.error(
      { file, line: 1, col: 1 },
      'unreadable',
      `could not check ${file}: ${String((e as Error)?.message ?? e).split('\n')[0]}`,
      'simplify the file around the last change; report it to the platform team if it looks valid',
    );
    return undefined;
  }
}

/**
 * A domain file is checked in parts (header, each app, each topic) so that one mistake never
 * hides the others. Returns the draft and whether any part was broken.
 */
function parseDomain(
  source: SourceFile,
  diagnostics: Diagnostics,
): { draft: DomainDraft; broken: boolean } {
  const stem = posix.basename(source.file).replace(/\.ya?ml$/, '');
  const known = (p: Path): string[] => knownKeysAt(p);
  const raw = (source.data && typeof source.data === 'object' ? source.data : {}) as Record<
    string,
    unknown
  >;
  const { app: appShape, appName, domainFile, topic: topicShape, topicKey } = domainFormat();
  const { plainTopic, plainTopicKey } = plainTopicFormat();
  let broken = false;
  const head = domainFile.safeParse(headerOf(source.data));
  if (!head.success) {
    reportZodIssues(head.error, source, diagnostics, [], known);
    broken = true;
  }
  const part = <T>(
    shape: ZodType<T>,
    value: unknown,
    path: Path,
    plain?: (value: unknown) => T | undefined,
  ): T | undefined => {
    // A plainly valid part is read without zod (see format/plain-topic.ts).
    const read = plain?.(value);
    if (read !== undefined) return read;
    const r = shape.safeParse(value ?? {});
    if (r.success) return r.data;
    reportZodIssues(r.error, source, diagnostics, path, known);
    broken = true;
    return salvage(shape, value, r.error);
  };
  const entries = (key: string): [string, unknown][] => {
    const v = raw[key];
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : [];
  };
  const apps = new Map<string, AppSpec>();
  for (const [name, value] of entries('apps')) {
    const ok = part(appName, name, ['apps', name]) !== undefined;
    const spec = part(appShape, value, ['apps', name]);
    if (ok && spec) apps.set(name, spec);
  }
  const topics = new Map<string, TopicSpec>();
  const brokenTopics = new Set<string>();
  for (const [key, value] of entries('topics')) {
    // A broken topic does not make the domain's apps unknown: keep `broken` for header/apps.
    const before: boolean = broken;
    broken = false;
    const ok = part(topicKey, key, ['topics', key], plainTopicKey) !== undefined;
    const spec = part(topicShape, value, ['topics', key], plainTopic);
    if (ok && spec) topics.set(key, spec);
    if (broken) brokenTopics.add(key);
    broken = before;
  }
  const domain = head.success
    ? head.data.domain
    : typeof raw.domain === 'string'
      ? raw.domain
      : stem;
  if (domain !== stem) broken = true; // references to either name would only cascade
  const header = head.success
    ? { domain, description: head.data.description, owners: head.data.owners }
    : undefined;
  return {
    draft: {
      file: source.file,
      source,
      domain,
      ...(header ? { header } : {}),
      apps,
      topics,
      brokenTopics,
    },
    broken,
  };
}

/**
 * What the header's check is given: the file's data, with an empty object in place of a topics
 * mapping that is a plain object. The header's shape takes `topics` as a record of anything,
 * which such an object always is (no finding comes from its entries), and the loader reads the
 * header's domain, description and owners only: the check then does not copy 10,000 entries of
 * a large catalog. Topics are checked one by one below.
 */
export function headerOf(data: unknown): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data ?? {};
  const topics = (data as { topics?: unknown }).topics;
  return topics && typeof topics === 'object' && Object.getPrototypeOf(topics) === Object.prototype
    ? { ...data, topics: {} }
    : data;
}

/** The draft of a domain file that parsed and checked clean before, with the same text. */
function cachedDraft(
  file: string,
  text: string,
  known: ParsedDomain,
  diagnostics: Diagnostics,
): DomainDraft {
  return {
    file,
    source: new SourceFile(file, text, diagnostics, { keys: known.keys }),
    domain: known.header.domain,
    header: known.header,
    apps: known.apps,
    topics: known.topics,
    brokenTopics: new Set(),
  };
}

/**
 * After a failed check, the same value without its offending top-level fields: the rules then
 * still check what is left, so one mistake in a topic does not hide the others. The entity
 * stays marked broken, so no catalog is built from it.
 */
function salvage<T>(shape: ZodType<T>, value: unknown, error: ZodError): T | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const bad = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0)
      issue.keys.forEach((k) => bad.add(k));
    else if (typeof issue.path[0] === 'string') bad.add(issue.path[0]);
  }
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !bad.has(k)));
  const r = shape.safeParse(rest);
  return r.success ? r.data : undefined;
}

function parseWith<T>(
  schema: ZodType<T>,
  source: SourceFile,
  diagnostics: Diagnostics,
): T | undefined {
  if (source.data === undefined) return undefined;
  const result = schema.safeParse(source.data ?? {});
  if (result.success) return result.data;
  reportZodIssues(result.error, source, diagnostics, [], (p) => knownKeysAt(p, source.file));
  return undefined;
}

export type { PlatformFile };
