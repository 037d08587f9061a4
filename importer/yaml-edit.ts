// Edits a catalog YAML file without touching what a person wrote: the `yaml` package's Document
// API parses it and locates nodes (their source ranges), and every change is an insertion of new
// text at the right place and indentation (a key at the end of its map, an item at the end of
// its list). A value is replaced only when the caller says so (--overwrite), and then only that
// value's own text. A new file is rendered from a Document in the catalog's usual style.
import { Document, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Node } from 'yaml';
import type { Plain } from './entries';

/** Collections written inline, as people write them in the catalog. */
const FLOW_KEYS = new Set(['config', 'schema', 'producers', 'consumers', 'owners']);

export type EditOutcome = 'added' | 'same' | 'conflict' | 'overwritten';

type Path = readonly string[];

interface Pending {
  readonly path: Path;
  readonly tree: Record<string, Plain>;
  /** Keys written after a blank line (topics, like the rest of the file). */
  readonly spaced: Set<string>;
}

export class YamlEdit {
  private readonly doc: Document;
  private readonly source: string | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly edits: { at: number; end: number; text: string; depth: number; seq: number }[] =
    [];
  changed = false;

  constructor(text: string | undefined, initial?: Record<string, Plain>) {
    this.source = text;
    this.doc = text !== undefined ? parseDocument(text) : new Document(initial ?? {});
  }

  /** A comment above a new file. */
  set header(comment: string) {
    this.doc.commentBefore = comment;
  }

  has(path: Path): boolean {
    return this.doc.hasIn(path) || this.pendingValue(path) !== undefined;
  }

  private node(path: Path): unknown {
    return path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
  }

  private value(path: Path): unknown {
    const n = this.node(path);
    return n && typeof n === 'object' && 'toJSON' in n ? (n as Node).toJSON() : n;
  }

  private pendingValue(path: Path): Plain | undefined {
    for (const p of this.pending.values()) {
      if (
        p.path.length >= path.length ||
        !path.slice(0, p.path.length).every((k, i) => k === p.path[i])
      )
        continue;
      let v: Plain | undefined = p.tree;
      for (const k of path.slice(p.path.length))
        v = v && typeof v === 'object' && !Array.isArray(v) ? v[k] : undefined;
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Adds `value` at `path`; an existing different value is a conflict unless `overwrite`. */
  put(
    path: Path,
    value: Plain,
    opts: { overwrite?: boolean; spaceBefore?: boolean } = {},
  ): EditOutcome {
    if (this.doc.hasIn(path)) {
      if (JSON.stringify(this.value(path)) === JSON.stringify(value)) return 'same';
      if (!opts.overwrite) return 'conflict';
      this.replace(path, value);
      return 'overwritten';
    }
    if (this.source === undefined) {
      this.doc.setIn(path, this.doc.createNode(value));
      this.changed = true;
      return 'added';
    }
    let k = path.length - 1;
    while (k > 0 && !isMap(this.node(path.slice(0, k)))) k--;
    const at = path.slice(0, k);
    const id = JSON.stringify(at);
    const p = this.pending.get(id) ?? { path: at, tree: {}, spaced: new Set<string>() };
    this.pending.set(id, p);
    let tree = p.tree;
    for (const key of path.slice(k, -1)) {
      const next = tree[key];
      tree = (
        next && typeof next === 'object' && !Array.isArray(next) ? next : (tree[key] = {})
      ) as Record<string, Plain>;
    }
    tree[path[path.length - 1] as string] = value;
    if (opts.spaceBefore) p.spaced.add(path[k] as string);
    this.changed = true;
    return 'added';
  }

  /** Appends an item to the list at `path` (made when missing); false when already there. */
  append(path: Path, item: string): boolean {
    const seq = this.node(path);
    if (!isSeq(seq)) {
      const had = this.pendingValue(path);
      if (Array.isArray(had)) {
        if (had.includes(item)) return false;
        had.push(item);
        return true;
      }
      return this.put(path, [item]) === 'added';
    }
    if (seq.items.some((i) => (isScalar(i) ? i.value : i) === item)) return false;
    if (this.source === undefined) seq.add(this.doc.createNode(item));
    else if (seq.flow) {
      const close = (seq.range?.[1] ?? 0) - 1;
      this.insert(close, `${seq.items.length > 0 ? ', ' : ''}${inline(item)}`);
    } else {
      const last = seq.items[seq.items.length - 1] as Node | undefined;
      const end = lineEnd(this.text, last?.range?.[1] ?? seq.range?.[1] ?? 0);
      this.insert(end, `\n${' '.repeat(column(this.text, seq.range?.[0] ?? 0))}- ${inline(item)}`);
    }
    this.changed = true;
    return true;
  }

  toString(): string {
    if (this.source === undefined) return render(this.doc);
    for (const p of this.pending.values()) this.flush(p);
    let out = this.source;
    // At one offset (the end of nested maps), deeper maps' additions come first in the text.
    const ordered = [...this.edits].sort(
      (a, b) => b.at - a.at || a.depth - b.depth || b.seq - a.seq,
    );
    for (const e of ordered) out = out.slice(0, e.at) + e.text + out.slice(e.end);
    return out;
  }

  private get text(): string {
    return this.source ?? '';
  }

  private insert(at: number, text: string, end = at, depth = 0): void {
    this.edits.push({ at, end, text, depth, seq: this.edits.length });
  }

  private replace(path: Path, value: Plain): void {
    const n = this.node(path) as Node | undefined;
    if (this.source === undefined || !n?.range) {
      this.doc.setIn(path, this.doc.createNode(value));
    } else {
      this.insert(n.range[0], inline(value, path[path.length - 1]), n.range[1]);
    }
    this.changed = true;
  }

  /** Writes what was added under one existing map. */
  private flush(p: Pending): void {
    const map = this.node(p.path);
    if (!isMap(map) || !map.range) return;
    const keys = Object.keys(p.tree);
    if (map.flow) {
      const close = map.range[1] - 1;
      const items = keys.map((k) => `${k}: ${inline(p.tree[k] as Plain, k)}`).join(', ');
      this.insert(close, map.items.length > 0 ? `, ${items}` : items);
      return;
    }
    const first = map.items[0]?.key as Node | undefined;
    const indent = first?.range
      ? column(this.text, first.range[0])
      : p.path.length === 0
        ? 0
        : 2 * p.path.length;
    const blocks = keys.map((k) => {
      const body = render(new Document({ [k]: p.tree[k] }))
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => (l ? ' '.repeat(indent) + l : l))
        .join('\n');
      return p.spaced.has(k) ? `\n${body}` : body;
    });
    // After the map's last line: the end of its text, trailing comments of the last value kept.
    const end =
      map.items.length > 0
        ? lineEnd(this.text, map.range[1] - 1)
        : lineEnd(this.text, map.range[0]);
    const trailing = this.text.slice(map.range[1], end);
    const at = /\n/.test(trailing) ? map.range[1] - 1 : end;
    const where = this.text[at - 1] === '\n' ? at - 1 : at;
    this.insert(where, `\n${blocks.join('\n')}`, where, p.path.length);
  }
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/** A value on one line: scalars as YAML writes them, collections in flow style. */
function inline(value: Plain, key?: string): string {
  const d = new Document(value);
  if (isMap(d.contents) || isSeq(d.contents)) d.contents.flow = true;
  void key;
  return render(d).replace(/\n$/, '');
}

/** The catalog's style: small collections inline, "{ a: 1 }" maps and "[a, b]" lists. */
function render(doc: Document): string {
  visit(doc, {
    Pair: (_, pair) => {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const v = pair.value;
      if ((isMap(v) || isSeq(v)) && FLOW_KEYS.has(k)) v.flow = true;
      if (k === 'environments' && isMap(v))
        for (const e of v.items) if (isMap(e.value)) e.value.flow = true;
      // A blank line between topics, as in the rest of the catalog.
      if (k === 'topics' && isMap(v))
        v.items.forEach((e, i) => {
          if (i > 0 && isScalar(e.key)) e.key.spaceBefore = true;
        });
    },
  });
  return doc
    .toString({ lineWidth: 100, flowCollectionPadding: true })
    .replace(/\[ ([^\]\n]*?) \]/g, '[$1]');
}
