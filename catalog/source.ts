// A parsed YAML file that still knows where every value came from, so any later rule can
// point at the exact line and column of the key or value it is talking about.
//
// Paths through one grammar (YAML 1.2, core schema): plain files (block mappings and sequences
// of plain scalars, as generated and most hand-written domain files are) are read without a
// library (plain-yaml.ts), others with js-yaml, which is an order of magnitude faster than
// `yaml`; the positioned `yaml` Document is built only when something needs a position (a
// finding) or when js-yaml rejects the file, in which case `yaml` reports the problem precisely.
// All produce the same data (property tests hold them to it).
import type * as JsYaml from 'js-yaml';
import type { Event } from 'js-yaml';
import type * as Yaml from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostics, Position } from './diagnostics';
import { plainYaml } from './plain-yaml';
import type { PlainYaml } from './plain-yaml';
import { LineIndex } from './schemas/json-position';

// Both YAML libraries load on first use: a file the parse cache knows is not parsed at all.
/* eslint-disable @typescript-eslint/no-require-imports */
const jsYaml = (): typeof JsYaml => require('js-yaml') as typeof JsYaml;
const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;
/* eslint-enable @typescript-eslint/no-require-imports */

export type Path = readonly (string | number)[];

export class SourceFile {
  private parsed?: Document.Parsed;
  /** Offsets of mapping keys near the top, from the fast path (see keyOffsets). */
  private readonly keys?: ReadonlyMap<string, number>;
  /** See `data`. */
  private plainData: unknown;

  /**
   * Parses `text`. With `known` (the key offsets from the parse cache) it is not parsed: its
   * checked parts come from the cache too, and its data stays null. `plain` is what plainYaml
   * made of this text when the caller asked it already (null: it left the text to the libraries).
   */
  constructor(
    readonly file: string,
    readonly text: string,
    diagnostics: Diagnostics,
    known?: { readonly keys: ReadonlyMap<string, number> },
    plain?: PlainYaml | null,
  ) {
    const fast = known
      ? { ok: true as const, data: null, keys: known.keys }
      : fastLoad(text, plain);
    if (fast.ok) {
      this.plainData = fast.data;
      this.keys = fast.keys;
    } else this.plainData = this.preciseLoad(diagnostics);
  }

  /** Plain data, or undefined when the file has syntax errors (null once `release`d). */
  get data(): unknown {
    return this.plainData;
  }

  /**
   * Lets the plain data go once what was made of it is kept elsewhere: a large catalog's data
   * would otherwise live (and be copied by the garbage collector) until the end of the load,
   * though positions come from the key offsets and the positioned document.
   */
  release(): void {
    if (this.plainData !== undefined) this.plainData = null;
  }

  /** Offsets of the keys near the top, for the parse cache (undefined after the slow path). */
  get keyOffsets(): ReadonlyMap<string, number> | undefined {
    return this.keys;
  }

  /**
   * Line of the key at a short path (e.g. ["topics", "order-created"]), without building the
   * positioned document: the model records where each topic is declared, for every topic.
   */
  keyLine(path: readonly [string, string]): number {
    const offset = this.keys?.get(`${path[0]}\0${path[1]}`);
    return offset !== undefined ? this.at(offset).line : this.locate(path, true).line;
  }

  /** The positioned document, parsed on first use. */
  get doc(): Document.Parsed {
    this.parsed ??= yaml().parseDocument(this.text, { uniqueKeys: true, prettyErrors: false });
    return this.parsed;
  }

  /** Slow path: `yaml` reports each syntax problem at its position. */
  private preciseLoad(diagnostics: Diagnostics): unknown {
    for (const e of this.doc.errors) {
      const duplicate = e.code === 'DUPLICATE_KEY';
      // yaml reports an unclosed quote where the file ends; the reader needs where it opens.
      const quote = /missing closing .?quote/i.test(e.message)
        ? unclosedQuote(this.text, e.pos[0])
        : -1;
      diagnostics.error(
        this.at(quote >= 0 ? quote : e.pos[0]),
        duplicate ? 'duplicate-key' : 'yaml-syntax',
        firstLine(e.message),
        duplicate
          ? 'each key may appear once in a mapping: merge the two entries or rename one'
          : 'fix the YAML syntax at this position',
      );
    }
    if (this.doc.errors.length > 0) return undefined;
    try {
      // Aliases are resolved here, so an alias to nothing is reported, not thrown.
      return this.doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const alias = /alias|anchor/i.test((e as Error).message);
      diagnostics.error(
        this.at(this.text.search(alias ? /\*/ : /\S/)),
        'yaml-syntax',
        firstLine((e as Error).message),
        alias
          ? 'define the anchor (&name) before using the alias (*name), or quote the value'
          : 'fix the YAML at this position',
      );
      return undefined;
    }
  }

  private lines?: LineIndex;

  /** Position of a character offset. */
  at(offset: number): Position {
    this.lines ??= new LineIndex(this.text);
    return { file: this.file, ...this.lines.at(offset) };
  }

  /**
   * Position of the value at `path` (or of its key, when `key` is true). A path that does not
   * exist resolves to its nearest existing ancestor: a missing key is reported on its parent.
   */
  locate(path: Path, key = false): Position {
    // Keys near the top (a topic, an app) come from the fast path's index, without the document.
    if (key && path.length >= 1 && path.length <= 2 && path.every((p) => typeof p === 'string')) {
      const offset = this.keys?.get(path.join('\0'));
      if (offset !== undefined) return this.at(offset);
    }
    const { isMap, isPair, isScalar, isSeq } = yaml();
    let node: unknown = this.doc.contents;
    let keyNode: unknown = undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
        );
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        keyNode = undefined;
        node = node.items[segment];
      } else {
        break;
      }
    }
    const target = (key && keyNode) || node;
    const range = (target as Node | null | undefined)?.range;
    return this.at(range ? range[0] : 0);
  }

  /** True when `path` exists in the document (distinguishes "missing" from "wrong type"). */
  has(path: Path): boolean {
    return this.doc.hasIn(path as unknown[]);
  }

  /** Start of the file, for file-level findings. */
  get start(): Position {
    return { file: this.file, line: 1, col: 1 };
  }
}

/**
 * Plain YAML without a library (plain-yaml.ts); anything else with js-yaml, with the YAML 1.2
 * core schema (what `yaml` uses by default): no timestamps, no merge keys. Anything it rejects, and any document it could read differently in principle (several
 * documents, directives, tags), goes to the precise path instead. One pass over the events
 * builds both the data and the offsets of the keys the model needs.
 */
export function fastLoad(
  text: string,
  plain: PlainYaml | null = plainYaml(text) ?? null,
): { ok: true; data: unknown; keys: ReadonlyMap<string, number> } | { ok: false } {
  if (plain) return { ok: true, data: plain.data, keys: plain.keys };
  return libraryLoad(text);
}

/** fastLoad's path through js-yaml alone (what plain-yaml.ts is held to, in its tests). */
export function libraryLoad(
  text: string,
): { ok: true; data: unknown; keys: ReadonlyMap<string, number> } | { ok: false } {
  const { CORE_SCHEMA, EVENT_DOCUMENT, constructFromEvents, parseEvents } = jsYaml();
  try {
    const events = parseEvents(text, {});
    const special = events.some((e) =>
      e.type === EVENT_DOCUMENT ? e.directives.length > 0 : 'tagStart' in e && e.tagStart !== -1,
    );
    if (special) return { ok: false };
    const docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA });
    if (docs.length > 1) return { ok: false };
    return { ok: true, data: docs.length === 0 ? null : docs[0], keys: keyOffsets(events, text) };
  } catch {
    return { ok: false };
  }
}

/** Offsets of the plain-scalar mapping keys at depth one and two ("topics\0order-created"). */
function keyOffsets(events: readonly Event[], text: string): Map<string, number> {
  const { EVENT_ALIAS, EVENT_MAPPING, EVENT_POP, EVENT_SCALAR, EVENT_SEQUENCE, getScalarValue } =
    jsYaml();
  const out = new Map<string, number>();
  // One frame per open collection: whether the next node of a mapping is a key, and its key.
  const stack: { map: boolean; expectKey: boolean; key: string | undefined }[] = [];
  for (const e of events) {
    if (e.type === EVENT_POP) {
      stack.pop();
      continue;
    }
    if (
      e.type !== EVENT_MAPPING &&
      e.type !== EVENT_SEQUENCE &&
      e.type !== EVENT_SCALAR &&
      e.type !== EVENT_ALIAS
    )
      continue;
    const parent = stack[stack.length - 1];
    if (parent?.map && parent.expectKey) {
      parent.expectKey = false;
      parent.key = e.type === EVENT_SCALAR ? getScalarValue(text, e) : undefined;
      if (e.type === EVENT_SCALAR && parent.key !== undefined && stack.length <= 2) {
        const path = stack.length === 1 ? parent.key : `${stack[0]?.key ?? ''}\0${parent.key}`;
        out.set(path, e.valueStart);
      }
      if (e.type === EVENT_MAPPING || e.type === EVENT_SEQUENCE)
        stack.push({ map: e.type === EVENT_MAPPING, expectKey: true, key: undefined });
      continue;
    }
    if (parent?.map) parent.expectKey = true;
    if (e.type === EVENT_MAPPING || e.type === EVENT_SEQUENCE)
      stack.push({ map: e.type === EVENT_MAPPING, expectKey: true, key: undefined });
  }
  return out;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/** Offset of the quote that opens a quoted scalar left unclosed before `before`, or -1. */
function unclosedQuote(text: string, before: number): number {
  let found = -1;
  const stack: unknown[] = [...new (yaml().Parser)().parse(text)];
  while (stack.length > 0) {
    const t = stack.pop();
    if (!t || typeof t !== 'object') continue;
    const { type, offset, source } = t as { type?: string; offset?: number; source?: string };
    if (
      (type === 'double-quoted-scalar' || type === 'single-quoted-scalar') &&
      typeof offset === 'number' &&
      typeof source === 'string' &&
      offset <= before &&
      (source.length < 2 || !closes(source)) &&
      offset > found
    )
      found = offset;
    for (const v of Object.values(t)) if (v && typeof v === 'object') stack.push(v);
  }
  return found;
}

function closes(source: string): boolean {
  const q = source[0];
  if (source[source.length - 1] !== q) return false;
  if (q === "'") return true;
  let backslashes = 0;
  for (let i = source.length - 2; i > 0 && source[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}
