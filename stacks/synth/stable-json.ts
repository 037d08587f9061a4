// The text cdktf writes to cdk.tf.json (json-stable-stringify with two-space indentation: keys
// sorted at every level, `toJSON` honoured, undefined members left out, empty objects and arrays
// written as `{` and `}` on two lines), without building objects for big maps: a `SortedMap` is
// written in key order straight from its entries, so a stack's text costs one pass over its
// entries rather than an object built only to be serialized. Where JSON.stringify provably writes
// the same text (nativeText, nativeParts), it writes it: many times faster than this walk.

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

/**
 * Text rendered beforehand, for the indentation it is written at (see `stableJsonAt`), as a
 * string or as its UTF-8 bytes: bytes stay bytes in `stableJsonParts`, so text shared by many
 * files is encoded once and never copied into each file's string.
 */
export class Rendered {
  constructor(readonly render: (indent: string) => string | Uint8Array) {}
}

/** `value` as json-stable-stringify(value, { space: 2 }) writes it. */
export function stableJson(value: unknown): string {
  return stableJsonAt(value, '');
}

/** `value` as it is written nested `indent` deep (its closing bracket indented by `indent`). */
export function stableJsonAt(value: unknown, indent: string): string {
  const out: Part[] = [];
  if (!write(value, indent, 0, out)) return 'undefined';
  return out.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join('');
}

/**
 * The UTF-8 bytes of `stableJson(value)`, in parts: each run of text between bytes rendered
 * beforehand (see Rendered) encoded once, the rendered bytes as they are.
 */
export function stableJsonParts(value: unknown): Uint8Array[] {
  const native = nativeParts(value);
  if (native) return native;
  const out: Part[] = [];
  if (!write(value, '', 0, out)) return [Buffer.from('undefined')];
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i <= out.length; i++) {
    const part = out[i];
    if (typeof part === 'string') continue;
    if (i > from) parts.push(Buffer.from(out.slice(from, i).join('')));
    if (part !== undefined) parts.push(part);
    from = i + 1;
  }
  return parts;
}

/**
 * stableJsonParts by JSON.stringify (see nativeText), each Rendered written as a placeholder
 * string and its text put in its place, at the placeholder's line's indentation. A placeholder
 * is a string starting with U+0000, which JSON.stringify writes `"\u0000…"`: no other text can
 * look like one, as no string or key of `value` may hold U+0000 here.
 */
function nativeParts(value: unknown): Uint8Array[] | undefined {
  const state: NativeState = { empty: false, rendered: [] };
  const native = nativeValue(value, 0, state);
  if (native === UNSUPPORTED || typeof native !== 'object' || native === null) return undefined;
  let text = JSON.stringify(native, null, 2);
  if (state.empty) text = text.replace(EMPTY_LINE, breakEmpty);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const rendered = state.rendered?.[Number(m[1])];
    if (!rendered) throw new Error(`no rendered text ${m[1]}`);
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    let end = lineStart;
    while (text.charCodeAt(end) === 32) end++;
    const bytes = rendered.render(text.slice(lineStart, end));
    parts.push(Buffer.from(text.slice(from, m.index)));
    parts.push(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    from = m.index + m[0].length;
  }
  parts.push(Buffer.from(text.slice(from)));
  return parts;
}

const PLACEHOLDER = /"\\u0000(\d+)"/g;

type Part = string | Uint8Array;

/** Deeper than any Terraform JSON: what json-stable-stringify reports as a cycle. */
const MAX_DEPTH = 500;

/**
 * Appends the text of `node` to `out` (parts joined once at the end); false when
 * json-stable-stringify would leave it out.
 */
function write(node: unknown, indent: string, depth: number, out: Part[]): boolean {
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
  if (isSortedMap(node)) {
    const keys = node.sortedKeys();
    const text = nativeText(keys, node, indent);
    if (text !== undefined) {
      out.push(text);
      return true;
    }
    return members(keys, node, true, indent, depth, out);
  }
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
  out: Part[],
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

/**
 * A map's text written by JSON.stringify, which is many times faster than the walk above, when
 * it is sure to be the same text; undefined otherwise. JSON.stringify writes an object's members
 * in Object.keys order, so every object whose keys are not sorted is copied with sorted keys
 * (sorting cannot reorder keys that look like array indices: those fall back), and writes empty
 * objects and arrays as `{}` and `[]`, where json-stable-stringify breaks the line: those lines
 * are rewritten. Both leave out undefined and symbol members (null in a list); anything else but
 * strings, numbers, booleans, null, plain objects and arrays (functions, bigints, toJSON, other
 * classes) falls back.
 */
function nativeText(keys: readonly string[], map: SortedMap, indent: string): string | undefined {
  if (keys.length === 0 || keys.some(isIndexLike)) return undefined;
  const state = { empty: false };
  const object: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    const value = nativeValue(map.get(key), 0, state);
    if (value === UNSUPPORTED) return undefined;
    object[key] = value;
  }
  let text = indented(object, indent);
  if (state.empty) text = text.replace(EMPTY_LINE, breakEmpty);
  return text;
}

/**
 * JSON.stringify(value, null, 2) nested `indent` deep: written inside as many one-member objects
 * as the indentation has levels, and cut out of them (cheaper than indenting every line after).
 */
function indented(value: object, indent: string): string {
  const levels = indent.length / 2;
  if (!Number.isInteger(levels) || indent !== ' '.repeat(indent.length)) {
    return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
  }
  const wrap = (inner: unknown): unknown => {
    let wrapped = inner;
    for (let i = 0; i < levels; i++) wrapped = { '': wrapped };
    return wrapped;
  };
  let frame = frames[levels];
  if (frame === undefined) {
    const empty = JSON.stringify(wrap(0), null, 2);
    const at = empty.lastIndexOf('0');
    frames[levels] = frame = { before: at, after: empty.length - at - 1 };
  }
  const text = JSON.stringify(wrap(value), null, 2);
  return text.slice(frame.before, text.length - frame.after);
}

/** By nesting level: how much text the one-member objects write before and after the value. */
const frames: { before: number; after: number }[] = [];

const UNSUPPORTED: unique symbol = Symbol('unsupported');

interface NativeState {
  /** Whether an empty object or array was seen (see EMPTY_LINE). */
  empty: boolean;
  /** Where Rendered values are accepted: those seen, each written as a placeholder. */
  readonly rendered?: Rendered[];
}

/** `value`, or a copy with sorted keys, that JSON.stringify writes as `write` does; or UNSUPPORTED. */
function nativeValue(value: unknown, depth: number, state: NativeState): unknown {
  switch (typeof value) {
    case 'string':
      return state.rendered && value.includes('\0') ? UNSUPPORTED : value;
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return UNSUPPORTED;
  }
  if (value === null) return value;
  if (depth > NATIVE_DEPTH) return UNSUPPORTED;
  if (value instanceof Rendered && state.rendered) {
    state.rendered.push(value);
    return `\0${state.rendered.length - 1}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) state.empty = true;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (leftOut(item)) continue; // null in both
      const native = nativeValue(item, depth + 1, state);
      if (native === UNSUPPORTED) return UNSUPPORTED;
      if (native !== item) (copy ??= value.slice())[i] = native;
    }
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return UNSUPPORTED;
  if ('toJSON' in value) return UNSUPPORTED;
  const keys = Object.keys(value);
  if (state.rendered && keys.some((k) => k.includes('\0'))) return UNSUPPORTED;
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      sorted = false;
      break;
    }
  }
  let copy: Record<string, unknown> | undefined;
  if (!sorted) {
    if (keys.some(isIndexLike)) return UNSUPPORTED;
    keys.sort();
    copy = Object.create(null) as Record<string, unknown>;
  }
  let written = 0;
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    if (leftOut(item)) continue; // a member neither writes
    written++;
    const native = nativeValue(item, depth + 1, state);
    if (native === UNSUPPORTED) return UNSUPPORTED;
    if (copy) copy[key] = native;
    else if (native !== item) {
      // A member was copied: copy this object too, in its (sorted) key order.
      copy = Object.create(null) as Record<string, unknown>;
      for (const k of keys) copy[k] = (value as Record<string, unknown>)[k];
      copy[key] = native;
    }
  }
  if (written === 0) state.empty = true;
  return copy ?? value;
}

/** What both leave out of an object and write as null in an array. */
const leftOut = (value: unknown): boolean => value === undefined || typeof value === 'symbol';

/** Deeper than catalog data goes; anything deeper takes the walk (which reports cycles). */
const NATIVE_DEPTH = 64;

const isIndexLike = (key: string): boolean => /^(?:0|[1-9]\d*)$/.test(key);

/**
 * A line of JSON.stringify's text that holds an empty object or array (`"key": {},`, `[]`): raw
 * line breaks in its text are only its own (strings escape theirs), and a member's key is one
 * JSON string, so a match is always a value, never a string's content.
 */
const EMPTY_LINE = /(^|\n)( *)("(?:[^"\\\n]|\\.)*": )?(\{\}|\[\])(?=,?(?:\n|$))/g;

/** json-stable-stringify's `{` and `}` (or `[` and `]`) on two lines, at the line's indentation. */
function breakEmpty(_: string, start: string, indent: string, key = '', empty: string): string {
  return `${start}${indent}${key}${empty[0] as string}\n${indent}${empty[1] as string}`;
}
