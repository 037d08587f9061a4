// The text cdktf writes to cdk.tf.json (json-stable-stringify with two-space indentation: keys
// sorted at every level, `toJSON` honoured, undefined members left out, empty objects and arrays
// written as `{` and `}` on two lines), rendered faster and without building objects for big maps:
// a `SortedMap` is written in key order straight from its entries. On a 10,000-topic catalog
// json-stable-stringify, and the objects built only to feed it, took seconds.

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

/** `value` as json-stable-stringify(value, { space: 2 }) writes it. */
export function stableJson(value: unknown): string {
  return render(value, '', []) ?? 'undefined';
}

function render(node: unknown, indent: string, seen: object[]): string | undefined {
  if (isSortedMap(node)) {
    const map = node;
    return members(map.sortedKeys(), (k) => map.get(k), indent, seen, map);
  }
  if (
    typeof node === 'object' &&
    node !== null &&
    typeof (node as { toJSON?: unknown }).toJSON === 'function'
  ) {
    node = (node as { toJSON(): unknown }).toJSON();
  }
  if (node === undefined) return undefined;
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  if (seen.includes(node)) throw new TypeError('Converting circular structure to JSON');
  if (Array.isArray(node)) {
    seen.push(node);
    const inner = `${indent}  `;
    let out = '[';
    for (let i = 0; i < node.length; i++) {
      out += `${i === 0 ? '' : ','}\n${inner}${render(node[i], inner, seen) ?? 'null'}`;
    }
    seen.pop();
    return `${out}\n${indent}]`;
  }
  const obj = node as Record<string, unknown>;
  return members(Object.keys(obj).sort(), (k) => obj[k], indent, seen, obj);
}

function members(
  keys: readonly string[],
  get: (key: string) => unknown,
  indent: string,
  seen: object[],
  owner: object,
): string {
  if (seen.includes(owner)) throw new TypeError('Converting circular structure to JSON');
  seen.push(owner);
  const inner = `${indent}  `;
  let out = '{';
  let first = true;
  for (const key of keys) {
    const value = render(get(key), inner, seen);
    if (!value) continue;
    out += `${first ? '' : ','}\n${inner}${JSON.stringify(key)}: ${value}`;
    first = false;
  }
  seen.pop();
  return `${out}\n${indent}}`;
}
