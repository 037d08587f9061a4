// Schema rules: files exist and parse, references resolve, Avro namespaces belong to the domain.
import { posix } from 'node:path';
import { PLAIN_KEY_TYPES } from '../format/key-types';
import type { Diagnostics } from '../diagnostics';
import { reachable } from '../references';
import { lineCol } from '../schemas/json-position';
import type { ResolvedSchema } from '../schemas/resolve';
import { didYouMean } from '../suggest';
import type { Rule } from './context';

/** Path of a schema named in a domain file: relative to schemas/<domain>/. */
export function schemaPath(domain: string, ref: string): string {
  // Most refs are a plain file name: nothing to normalize (10,000 topics ask several times).
  if (
    !ref.includes('/') &&
    ref !== '.' &&
    ref !== '..' &&
    ref !== '' &&
    domain !== '' &&
    !domain.includes('/') &&
    !domain.startsWith('.')
  )
    return `schemas/${domain}/${ref}`;
  return posix.normalize(posix.join('schemas', domain, ref));
}

const NONE: readonly string[] = [];
const ROLES = ['value', 'key'] as const;

export const topicSchemas: Rule = ({ domains, schemas, diagnostics }) => {
  for (const d of domains) {
    const domain = d.domain;
    const folder = `schemas/${domain}/`;
    // Only needed for a "did you mean" on a missing file: computed then, not for every domain.
    const inDomain = (): string[] =>
      [...schemas.keys()]
        .filter((k) => k.startsWith(`schemas/${domain}/`))
        .map((k) => k.slice(`schemas/${domain}/`.length));
    for (const [key, t] of d.topics) {
      if (t.delete) continue;
      if (!t.schema?.value && !d.brokenTopics.has(key)) {
        diagnostics.warning(
          d.source.locate(['topics', key], true),
          'no-schema',
          `topic "${key}" has no value schema`,
          `add schema: { value: ${key}.avsc } so consumers know what they read`,
        );
      }
      for (const role of ROLES) {
        const ref = t.schema?.[role];
        if (ref === undefined) continue;
        if (role === 'key' && (PLAIN_KEY_TYPES as readonly string[]).includes(ref)) continue;
        const path = schemaPath(domain, ref);
        if (!path.startsWith(folder)) {
          diagnostics.error(
            d.source.locate(['topics', key, 'schema', role]),
            'schema-outside-domain',
            `"${ref}" points outside schemas/${domain}/`,
            "a topic's schemas live in its own domain's folder; shared types are referenced from inside the schema",
          );
        } else if (!schemas.has(path)) {
          diagnostics.error(
            d.source.locate(['topics', key, 'schema', role]),
            'schema-missing',
            `schema file ${path} does not exist`,
            didYouMean(ref, inDomain()) ??
              (role === 'key'
                ? `name a file in schemas/${domain}/ or a plain key type: ${PLAIN_KEY_TYPES.join(', ')}`
                : `add the file to schemas/${domain}/`),
          );
        }
      }
    }
  }
};

export const schemaFiles: Rule = ({ platform, schemas, diagnostics }) => {
  for (const s of schemas.values()) {
    for (const p of s.problems) report(diagnostics, s, p.rule, p.message, p.hint, p.offset, p.line);
    const ns = s.parsed.namespace;
    if (s.parsed.format === 'AVRO' && s.problems.length === 0) {
      const required = platform.naming.avroNamespace.replaceAll(
        '{domain}',
        s.parsed.domain.replaceAll('-', '_'),
      );
      for (const name of s.parsed.defines) {
        if (!(name === required || name.startsWith(`${required}.`))) {
          report(
            diagnostics,
            s,
            'avro-namespace',
            `Avro type "${name}" is outside the domain's namespace "${required}"`,
            `set "namespace": "${required}" (types of other domains are referenced, not redefined)`,
            Math.max(0, s.parsed.text.indexOf(ns ? `"${ns}"` : '"name"')),
          );
          break;
        }
      }
    }
  }
};

export const unusedSchemas: Rule = ({ domains, schemas, diagnostics }) => {
  const roots: string[] = [];
  for (const d of domains) {
    for (const t of d.topics.values()) {
      for (const ref of [t.schema?.value, t.schema?.key])
        if (ref) roots.push(schemaPath(d.domain, ref));
    }
  }
  const files = (path: string): readonly string[] => {
    const references = schemas.get(path)?.references;
    // Most schemas reference nothing: no new empty list for each of them.
    return references === undefined || references.length === 0
      ? NONE
      : references.map((r) => r.file);
  };
  const used = reachable(roots, files);
  const incomplete = new Set(domains.filter((d) => d.brokenTopics.size > 0).map((d) => d.domain));
  for (const [path, s] of schemas) {
    if (!used.has(path) && !incomplete.has(s.parsed.domain)) {
      diagnostics.warning(
        { file: path, line: 1, col: 1 },
        'unused-schema',
        'no topic uses this schema',
        "reference it from a topic's schema:, or delete it",
      );
    }
  }
};

function report(
  diagnostics: Diagnostics,
  s: ResolvedSchema,
  rule: string,
  message: string,
  hint: string | undefined,
  offset?: number,
  line?: number,
): void {
  const pos = line !== undefined ? { line, col: 1 } : lineCol(s.parsed.text, offset ?? 0);
  diagnostics.error({ file: s.parsed.path, ...pos }, rule, message, hint);
}
