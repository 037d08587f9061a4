// Registry subjects → schema files in their native format (.avsc, .json, .proto). A topic's
// subjects (TopicNameStrategy) become files named after the topic's key; a referenced subject
// becomes the file the catalog would register under that subject (catalog/naming.ts
// referenceSubject), at a path where the referencing schema's own reference name finds it.
import { posix } from 'node:path';
import type { Compatibility } from '../catalog/format/common';
import { COMPATIBILITY_LEVELS } from '../catalog/format/common';
import { keySubject, referenceSubject, valueSubject } from '../catalog/naming';
import type { SchemaFormat } from '../catalog/model';
import type { LiveSubject } from './live';
import type { Report } from './report';

export const EXTENSION: Record<SchemaFormat, string> = {
  AVRO: '.avsc',
  JSON: '.json',
  PROTOBUF: '.proto',
};

export interface TopicSchemaEntry {
  /** File names relative to schemas/<domain>/. */
  readonly value?: string;
  readonly key?: string;
  readonly compatibility?: Compatibility;
}

export interface SchemaImport {
  /** Topic name → its schema entry. */
  readonly topics: Map<string, TopicSchemaEntry>;
  /** "schemas/orders/order-created.avsc" → text. */
  readonly files: Map<string, { text: string; subject: string }>;
  /** Subjects this import accounts for. */
  readonly used: Set<string>;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Avro and JSON Schema written readably (the registry compares them structurally). */
export function fileText(s: LiveSubject): string {
  if (s.schemaType === 'PROTOBUF') return s.schema.endsWith('\n') ? s.schema : `${s.schema}\n`;
  try {
    return `${JSON.stringify(JSON.parse(s.schema), null, 2)}\n`;
  } catch {
    return `${s.schema}\n`;
  }
}

/** The path whose referenceSubject is this subject, when the subject follows the convention. */
function conventionalPath(subject: string, type: SchemaFormat): string | undefined {
  const parts = subject.split('.');
  if (parts.length < 2 || !KEBAB.test(parts[0] as string)) return undefined;
  if (!parts.every((p) => SEGMENT.test(p))) return undefined;
  const path = `schemas/${parts.join('/')}${EXTENSION[type]}`;
  return referenceSubject(path) === subject ? path : undefined;
}

/** Where the catalog finds a reference called `name` from the file `from` (resolve.ts' rules). */
function candidates(from: string, name: string, type: SchemaFormat): string[] {
  if (type === 'AVRO') return [];
  const near = posix.normalize(posix.join(posix.dirname(from), name));
  return type === 'PROTOBUF' ? [near, posix.normalize(posix.join('schemas', name))] : [near];
}

const inDomainFolder = (p: string): boolean => /^schemas\/[a-z][a-z0-9-]*\/.+/.test(p);

export function importSchemas(
  topics: readonly { name: string; domain: string; key: string; version: number }[],
  live: ReadonlyMap<string, LiveSubject>,
  defaultCompatibility: Compatibility,
  report: Report,
): SchemaImport {
  const out: SchemaImport = { topics: new Map(), files: new Map(), used: new Set() };
  const placed = new Map<string, string>(); // subject → path

  const place = (s: LiveSubject, path: string): string => {
    const have = out.files.get(path);
    if (have && have.subject !== s.subject) {
      const alt = path.replace(/(\.[a-z]+)$/, `.${s.subject.replace(/[^A-Za-z0-9_-]+/g, '-')}$1`);
      report.add(
        'drift',
        `subject ${s.subject}`,
        `${path} already holds ${have.subject}: written to ${alt}`,
      );
      path = alt;
    }
    out.files.set(path, { text: fileText(s), subject: s.subject });
    placed.set(s.subject, path);
    out.used.add(s.subject);
    return path;
  };

  /** Writes the referenced subjects of `s` (at `path`) and, recursively, theirs. */
  const placeReferences = (s: LiveSubject, path: string, seen: Set<string>): void => {
    for (const r of s.references) {
      const target = live.get(r.subject);
      if (!target) {
        report.add(
          'not-imported',
          `subject ${s.subject}`,
          `references ${r.subject} version ${r.version}, which the registry does not have: the schema will not validate`,
        );
        continue;
      }
      if (r.version !== target.version)
        report.add(
          'drift',
          `subject ${s.subject}`,
          `references ${r.subject} version ${r.version}, not its latest (${target.version}): the catalog references the latest, so the first apply registers a new version of ${s.subject}`,
        );
      if (placed.has(r.subject) || seen.has(r.subject)) continue;
      const conventional = conventionalPath(r.subject, target.schemaType);
      const found = candidates(path, r.name, target.schemaType).filter(inDomainFolder);
      let file: string | undefined =
        target.schemaType === 'AVRO'
          ? conventional
          : found.find((c) => referenceSubject(c) === r.subject);
      if (!file) {
        file =
          found[0] ??
          (target.schemaType === 'AVRO'
            ? `${posix.dirname(path)}/${r.name.slice(r.name.lastIndexOf('.') + 1)}.avsc`
            : undefined);
        if (!file) {
          report.add(
            'not-imported',
            `subject ${r.subject}`,
            `referenced by ${s.subject} as "${r.name}", a path outside schemas/<domain>/: the catalog cannot place it`,
          );
          continue;
        }
        report.add(
          'drift',
          `subject ${r.subject}`,
          `referenced as "${r.name}"; the catalog registers ${file} as subject ${referenceSubject(file)}, so the first apply registers it there and a new version of ${s.subject}`,
        );
      }
      const level = target.compatibility;
      if (level !== undefined && level !== defaultCompatibility)
        report.add(
          'drift',
          `subject ${r.subject}`,
          `compatibility ${level}: the catalog registers referenced schemas at the platform default (${defaultCompatibility}), which the first apply sets`,
        );
      place(target, file);
      placeReferences(target, file, new Set([...seen, r.subject]));
    }
  };

  for (const t of topics) {
    const base = `schemas/${t.domain}/${t.key}${t.version > 1 ? `.v${t.version}` : ''}`;
    const entry: { value?: string; key?: string; compatibility?: Compatibility } = {};
    const levels: string[] = [];
    for (const [role, subject] of [
      ['value', valueSubject(t.name)],
      ['key', keySubject(t.name)],
    ] as const) {
      const s = live.get(subject);
      if (!s) continue;
      const path = place(s, `${base}${role === 'key' ? '-key' : ''}${EXTENSION[s.schemaType]}`);
      entry[role] = path.slice(`schemas/${t.domain}/`.length);
      placeReferences(s, path, new Set([subject]));
      if (s.compatibility !== undefined) levels.push(s.compatibility);
    }
    const level = levels[0];
    if (level !== undefined) {
      if (!(COMPATIBILITY_LEVELS as readonly string[]).includes(level))
        report.add(
          'not-imported',
          `topic ${t.name} compatibility`,
          `"${level}" is not a level the catalog has`,
        );
      else if (level !== defaultCompatibility) entry.compatibility = level as Compatibility;
      if (levels.some((l) => l !== level))
        report.add(
          'drift',
          `subject ${keySubject(t.name)}`,
          `compatibility ${levels[1]} differs from the value subject's ${level}: the catalog gives both one level, which the first apply sets`,
        );
    }
    if (entry.value !== undefined || entry.key !== undefined) out.topics.set(t.name, entry);
  }
  return out;
}
