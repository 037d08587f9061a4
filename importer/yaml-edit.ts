// Edits a catalog YAML file through the `yaml` package's Document API, so every comment, blank
// line and value a person wrote stays as it was: an edit only adds keys and list items, and
// replaces a value only when the caller says so (--overwrite).
import { Document, isMap, isScalar, isSeq, parseDocument, visit, YAMLMap } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { Plain } from './entries';

/** Collections written inline, as people write them in the catalog. */
const FLOW_KEYS = new Set(['config', 'schema', 'producers', 'consumers', 'owners', 'retention']);

export type EditOutcome = 'added' | 'same' | 'conflict' | 'overwritten';

export class YamlEdit {
  readonly doc: Document;
  changed = false;

  constructor(text: string | undefined, initial?: Record<string, Plain>) {
    this.doc = text !== undefined ? parseDocument(text) : new Document(initial ?? {});
    if (text === undefined) this.styleAll(this.doc.contents as Node);
  }

  has(path: readonly (string | number)[]): boolean {
    return this.doc.hasIn(path);
  }

  get(path: readonly (string | number)[]): unknown {
    const v = this.doc.getIn(path, true) as Node | undefined;
    return v && typeof v === 'object' && 'toJSON' in v ? v.toJSON() : v;
  }

  /** Adds `value` at `path`; an existing different value is a conflict unless `overwrite`. */
  put(
    path: readonly string[],
    value: Plain,
    opts: { overwrite?: boolean; spaceBefore?: boolean } = {},
  ): EditOutcome {
    if (this.has(path)) {
      if (JSON.stringify(this.get(path)) === JSON.stringify(value)) return 'same';
      if (!opts.overwrite) return 'conflict';
    }
    const parent = this.ensureMap(path.slice(0, -1));
    const key = path[path.length - 1] as string;
    const node = this.doc.createNode(value) as Node;
    this.style(key, node);
    const existing = parent.items.find((p) => keyOf(p) === key);
    if (existing) existing.value = node;
    else {
      const pair = this.doc.createPair(key, node);
      if (opts.spaceBefore && isScalar(pair.key)) pair.key.spaceBefore = true;
      parent.items.push(pair);
    }
    this.changed = true;
    return existing ? 'overwritten' : 'added';
  }

  /** Appends an item to the list at `path` (made when missing); false when already there. */
  append(path: readonly string[], item: string): boolean {
    const seq = this.doc.getIn(path, true);
    if (isSeq(seq)) {
      if (seq.items.some((i) => (isScalar(i) ? i.value : i) === item)) return false;
      seq.add(this.doc.createNode(item));
    } else this.put(path, [item]);
    this.changed = true;
    return true;
  }

  toString(): string {
    return this.doc.toString({ lineWidth: 100, flowCollectionPadding: false });
  }

  private ensureMap(path: readonly string[]): YAMLMap {
    let node: unknown = this.doc.contents;
    if (!isMap(node)) {
      this.doc.contents = new YAMLMap() as never;
      node = this.doc.contents;
    }
    for (const key of path) {
      const map = node as YAMLMap;
      let next = map.items.find((p) => keyOf(p) === key)?.value;
      if (!isMap(next)) {
        next = new YAMLMap();
        const pair = map.items.find((p) => keyOf(p) === key);
        if (pair) pair.value = next;
        else map.items.push(this.doc.createPair(key, next));
      }
      node = next;
    }
    return node as YAMLMap;
  }

  private style(key: string, node: Node): void {
    if (FLOW_KEYS.has(key) && (isMap(node) || isSeq(node))) node.flow = true;
    else this.styleAll(node);
  }

  /** Inline style for the small collections inside (and each environment's overrides). */
  private styleAll(root: Node): void {
    visit(root, {
      Pair: (_, pair) => {
        const k = keyOf(pair);
        const v = pair.value;
        if ((isMap(v) || isSeq(v)) && k !== undefined && FLOW_KEYS.has(k)) v.flow = true;
        if (k === 'environments' && isMap(v))
          for (const p of v.items) if (isMap(p.value)) p.value.flow = true;
      },
    });
  }
}

function keyOf(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' ? k : undefined;
}
