// The text cdktf writes to cdk.tf.json (json-stable-stringify with two-space indentation: keys
// sorted at every level, `toJSON` honoured, undefined members left out, empty objects and arrays
// written as `{` and `}` on two lines), without building objects for big maps: a `SortedMap` is
// written in key order straight from its entries, so a stack's text costs one pass over its
// entries rather than an object built only to be serialized.

/** A map written as a JSON object in key order, without becoming an object first. */
export interface SortedMap {
  /** Keys in the order `Array.prototype.sort()` gives them (what json-stable-stringify uses). */
  sortedKeys(): readonly string[];
  get(key: string): unknown;
}

export function isSortedMap(value: unknown): value is SortedMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<SortedMap>).sortedKeys === 'function' &&
    typeof (value as Partial<SortedMap>).get === 'function'
  );
}

/** Text rendered beforehand, for the indentation it is written at (see `stableJsonAt`). */
export class Rendered {
  constructor(readonly render: (indent: string) => string) {}
}

/** `value` as json-stable-stringify(value, { space: 2 }) writes it. */
export function stableJson(value: unknown): string {
  return stableJsonAt(value, '');
}

/** `value` as it is written nested `indent` deep (its closing bracket indented by `indent`). */
export function stableJsonAt(value: unknown, indent: string): string {
  const out: string[] = [];
  return write(value, indent, 0, out) ? out.join('') : 'undefined';
}

/** Deeper than any Terraform JSON: what json-stable-stringify reports as a cycle. */
const MAX_DEPTH = 500;

/**
 * Appends the text of `node` to `out` (parts joined once at the end: a flat string, which is also
 * what makes writing the file fast); false when json-stable-stringify would leave it out.
 */
function write(node: unknown, indent: string, depth: number, out: string[]): boolean {
  switch (typeof node) {
    case 'string':
    case 'number':
    case 'boolean':
      out.push(JSON.stringify(node));
      return true;
    case 'undefined':
    case 'function':
    case 'symbol':
      return false;
  }
  if (node === null) {
    out.push('null');
    return true;
  }
  if (depth > MAX_DEPTH) throw new TypeError('Converting circular structure to JSON');
  if (node instanceof Rendered) {
    out.push(node.render(indent));
    return true;
  }
  if (isSortedMap(node)) return members(node.sortedKeys(), node, true, indent, depth, out);
  if (typeof (node as { toJSON?: unknown }).toJSON === 'function') {
    return write((node as { toJSON(): unknown }).toJSON(), indent, depth, out);
  }
  if (typeof node !== 'object') {
    out.push(JSON.stringify(node) as string);
    return true;
  }
  const inner = `${indent}  `;
  if (Array.isArray(node)) {
    out.push('[');
    for (let i = 0; i < node.length; i++) {
      out.push(i === 0 ? `\n${inner}` : `,\n${inner}`);
      if (!write(node[i], inner, depth + 1, out)) out.push('null');
    }
    out.push(`\n${indent}]`);
    return true;
  }
  return members(sortedKeys(node), node, false, indent, depth, out);
}

/** The keys in sort order; most objects here are built in that order already. */
function sortedKeys(node: object): string[] {
  const keys = Object.keys(node);
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) return keys.sort();
  }
  return keys;
}

function members(
  keys: readonly string[],
  node: object,
  sorted: boolean,
  indent: string,
  depth: number,
  out: string[],
): true {
  const open = `\n${indent}  `;
  const next = `,${open}`;
  out.push('{');
  let separator = open;
  for (const key of keys) {
    const value = sorted ? (node as SortedMap).get(key) : (node as Record<string, unknown>)[key];
    const at = out.length;
    out.push(separator, JSON.stringify(key), ': ');
    if (write(value, `${indent}  `, depth + 1, out)) separator = next;
    else out.length = at; // left out, like json-stable-stringify does
  }
  out.push(`\n${indent}}`);
  return true;
}
