// The gate every catalog file passes before any parser sees it: size, encoding, line endings
// and nesting depth. Parsers (yaml, js-yaml, avsc, ajv, protobufjs) are recursive or
// super-linear on some inputs; what reaches them here is bounded, so validation stays fast
// and never overflows the stack, whatever a file contains.
import { isUtf8 } from 'node:buffer';
import type { Diagnostics } from './diagnostics';

export type InputKind = 'platform' | 'domain' | 'AVRO' | 'JSON' | 'PROTOBUF';

const KIB = 1024;

/** Limits on what one file may hold; each has its own rule id (see README "Input limits"). */
export const INPUT_LIMITS = {
  /** Bytes per file, by kind (`file-too-large`). */
  bytes: {
    platform: 256 * KIB,
    domain: 1024 * KIB,
    AVRO: 256 * KIB,
    JSON: 256 * KIB,
    PROTOBUF: 256 * KIB,
  } satisfies Record<InputKind, number>,
  /** Nesting levels (`nesting-too-deep`): YAML collections, JSON arrays/objects, .proto blocks. */
  depth: { yaml: 32, json: 64, proto: 32 },
  /** Fields of one Avro record, JSON Schema object or Protobuf message; enum symbols (`too-many-fields`). */
  fields: 1000,
  /** Messages, enums and services of one .proto file (`too-many-fields`). */
  protoDefinitions: 2000,
  /** Characters of one name in a schema: type, field, symbol, namespace (`name-too-long`). */
  schemaName: 255,
} as const;

const KIND_NAMES: Record<InputKind, string> = {
  platform: 'platform.yaml',
  domain: 'a domain file',
  AVRO: 'an Avro schema',
  JSON: 'a JSON Schema',
  PROTOBUF: 'a Protobuf schema',
};

/**
 * The text of a file that may be read, or undefined (with the reason reported) when it may
 * not. A UTF-8 byte order mark is dropped; bare CR line endings become LF, offset for offset,
 * so every position computed later is the line and column an editor shows. Nesting depth is
 * checked by `deepYaml` (domain files, platform.yaml) and by the schema parser (parse.ts) on
 * files the parse cache does not know: one it knows was admitted before, with the same text.
 */
export function admit(
  file: string,
  bytes: Buffer,
  kind: InputKind,
  diagnostics: Diagnostics,
): string | undefined {
  const limit = INPUT_LIMITS.bytes[kind];
  if (bytes.length > limit) {
    diagnostics.error(
      { file, line: 1, col: 1 },
      'file-too-large',
      `${file} is ${formatBytes(bytes.length)}; ${KIND_NAMES[kind]} may be at most ${formatBytes(limit)}`,
      kind === 'domain'
        ? 'split the domain, or move long descriptions out of the file'
        : kind === 'platform'
          ? 'platform.yaml holds settings, not data: remove what does not belong there'
          : 'split the schema: move shared types into their own files and reference them',
    );
    return undefined;
  }
  if (!isUtf8(bytes)) {
    const at = invalidUtf8(bytes);
    diagnostics.error(
      { file, ...bytePosition(bytes, at) },
      'encoding',
      `${file} is not valid UTF-8: byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at}`,
      'save the file as UTF-8 (without other encodings such as Latin-1 or UTF-16)',
    );
    return undefined;
  }
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\r')) text = text.replace(/\r(?!\n)/g, '\n');
  return text;
}

/** Reports a YAML file nested deeper than the limit; true when it is. */
export function deepYaml(file: string, text: string, diagnostics: Diagnostics): boolean {
  const deep = yamlTooDeep(text, INPUT_LIMITS.depth.yaml);
  if (deep < 0) return false;
  diagnostics.error(
    { file, ...textPosition(text, deep) },
    'nesting-too-deep',
    `nesting deeper than ${INPUT_LIMITS.depth.yaml} levels`,
    'this is deeper than any catalog setting goes: check the indentation and brackets',
  );
  return true;
}

/**
 * Whether `yamlTooDeep` certainly finds nothing in a text plain-yaml.ts read, so the scan can be
 * skipped: true when the text has no "#" and no line is indented by more than
 * `limit - 2 - flowDepth`. Why: plain-yaml refuses block scalars and "- - "/"? " entries, and
 * reads brackets and braces only as flow collections on a mapping line (none in a scalar), so
 * without "#" (where a quote that yamlTooDeep thinks open could make it count brackets in a
 * comment) its scan opens at most `flowDepth` flow levels and at most one "- " level per line, on
 * a stack of strictly increasing indentations of the text's lines: at most `maxIndent + 1` of
 * them, so its depth is at most `maxIndent + 2 + flowDepth`, and it reports only a depth above
 * `limit`.
 */
export function plainYamlShallow(
  plain: { readonly comments: boolean; readonly maxIndent: number; readonly flowDepth: number },
  limit: number = INPUT_LIMITS.depth.yaml,
): boolean {
  return !plain.comments && plain.maxIndent + 2 + plain.flowDepth <= limit;
}

/** The hint for a schema nested too deep. */
export const DEEP_SCHEMA_HINT =
  'flatten the schema: give nested types their own names (or files) and reference them';

function formatBytes(n: number): string {
  return n >= 1024 * KIB
    ? `${(n / (1024 * KIB)).toFixed(1)} MiB`
    : n >= KIB
      ? `${(n / KIB).toFixed(n % KIB ? 1 : 0)} KiB`
      : `${n} bytes`;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function invalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, surrogates and code points above U+10FFFF.
    const d1 = b[i + 1] as number;
    if (
      (c === 0xe0 && d1 < 0xa0) ||
      (c === 0xed && d1 >= 0xa0) ||
      (c === 0xf0 && d1 < 0x90) ||
      (c === 0xf4 && d1 >= 0x90)
    )
      return i;
    i += n + 1;
  }
  return b.length;
}

/** Line and column (in characters) of a byte offset whose prefix is valid UTF-8. */
function bytePosition(b: Buffer, at: number): { line: number; col: number } {
  const lineStart = at === 0 ? 0 : b.lastIndexOf(10, at - 1) + 1;
  let line = 1;
  for (let i = b.indexOf(10); i !== -1 && i < lineStart; i = b.indexOf(10, i + 1)) line++;
  const col =
    b
      .subarray(lineStart, at)
      .toString('utf8')
      .replace(/^\uFEFF/, '').length + 1;
  return { line, col };
}

function textPosition(text: string, at: number): { line: number; col: number } {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return { line, col: at - (text.lastIndexOf('\n', at - 1) + 1) + 1 };
}

/** What jsonScan tells of a JSON text. */
export interface JsonScan {
  readonly deep: number;
  readonly duplicate: number;
  readonly longest: number;
  readonly widest: number;
}

/**
 * What `jsonScan(text, limit)` returns, told from `json` (what JSON.parse made of `text`)
 * without a pass over the characters in JavaScript; undefined when only that pass can tell (a
 * backslash in the text, a repeated key, or nesting deeper than `limit`).
 *
 * Why it is the same: without a backslash, every string's value is its text between the quotes,
 * so `longest` is the longest key or string value. Outside strings, a valid JSON text has a ":"
 * for each key it writes and nowhere else: its ":" are its keys plus those inside its strings.
 * The parsed value holds every key and string of the text once, unless a key is repeated (the
 * parse keeps one of them and drops the other's value); so the text's ":" count equals the
 * parsed keys plus the ":" in the parsed strings exactly when no key is repeated (`duplicate` is
 * -1). Then each object's entries are its keys, and `widest` (entries, at least one, of the
 * widest array or object) and `deep` (-1 up to `limit` levels) follow from the parsed value.
 */
export function parsedJsonScan(text: string, json: unknown, limit: number): JsonScan | undefined {
  if (text.includes('\\')) return undefined;
  const tally = { keys: 0, colons: 0, longest: 0, widest: 0 };
  if (!tallyJson(json, 1, limit, tally)) return undefined;
  let colons = 0;
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) colons++;
  if (colons !== tally.keys + tally.colons) return undefined;
  return { deep: -1, duplicate: -1, longest: tally.longest, widest: tally.widest };
}

/** Adds a parsed JSON value's keys, ":" in strings, longest string and widest entry count. */
function tallyJson(
  v: unknown,
  level: number,
  limit: number,
  tally: { keys: number; colons: number; longest: number; widest: number },
): boolean {
  if (typeof v === 'string') {
    tallyString(v, tally);
    return true;
  }
  if (typeof v !== 'object' || v === null) return true;
  if (level > limit) return false; // a container at level limit + 1: jsonScan's `deep`
  if (Array.isArray(v)) {
    tally.widest = Math.max(tally.widest, v.length, 1);
    for (let i = 0; i < v.length; i++) if (!tallyJson(v[i], level + 1, limit, tally)) return false;
    return true;
  }
  const keys = Object.keys(v);
  tally.widest = Math.max(tally.widest, keys.length, 1);
  tally.keys += keys.length;
  for (const k of keys) {
    tallyString(k, tally);
    if (!tallyJson((v as Record<string, unknown>)[k], level + 1, limit, tally)) return false;
  }
  return true;
}

function tallyString(s: string, tally: { colons: number; longest: number }): void {
  if (s.length > tally.longest) tally.longest = s.length;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) tally.colons++;
}

/**
 * One pass over a JSON text: the offset of the bracket that opens level `limit + 1` (`deep`),
 * and of the first key repeated in its object, inside its quote (`duplicate`; JSON.parse keeps
 * the last of two equal keys without a word); -1 when there is none. Also bounds what a walk of
 * the parsed value could find too large: the most characters between a pair of quotes
 * (`longest`, escapes counted as written, so at least the string's length) and the most commas
 * plus one in one array or object (`widest`, at least its number of entries).
 */
export function jsonScan(text: string, limit: number): JsonScan {
  const frames: { keys?: Set<string>; expectKey: boolean; entries: number }[] = [];
  let duplicate = -1;
  let longest = 0;
  let widest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included; an unclosed one is the parser's to report.
      const start = i;
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
      longest = Math.max(longest, i - start - 1);
      const top = frames[frames.length - 1];
      if (top?.keys && top.expectKey) {
        top.expectKey = false;
        const key = text.slice(start + 1, i);
        if (duplicate < 0 && top.keys.has(key)) duplicate = start + 1;
        top.keys.add(key);
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (frames.length >= limit) return { deep: i, duplicate, longest, widest };
      frames.push(
        c === 0x7b
          ? { keys: new Set(), expectKey: true, entries: 1 }
          : { expectKey: false, entries: 1 },
      );
      widest = Math.max(widest, 1);
    } else if (c === 0x7d || c === 0x5d) frames.pop();
    else if (c === 0x2c) {
      const top = frames[frames.length - 1];
      if (top) widest = Math.max(widest, ++top.entries);
      if (top?.keys) top.expectKey = true;
    }
  }
  return { deep: -1, duplicate, longest, widest };
}

/** Offset of the brace that opens block level `limit + 1` of a .proto text, or -1. */
export function protoTooDeep(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++)
        if (text[i] === '\\') i++;
    } else if (c === '{' || c === '<' || c === '[' || c === '(') {
      if (++depth > limit) return i;
    } else if (c === '}' || c === '>' || c === ']' || c === ')') depth = Math.max(0, depth - 1);
  }
  return -1;
}

/**
 * Offset where a YAML text opens nesting level `limit + 1`, or -1. An upper bound in one pass:
 * block levels from indentation (and "- " entries opening on one line), flow levels from
 * brackets outside quotes and comments; block scalars are skipped.
 */
export function yamlTooDeep(text: string, limit: number): number {
  const indents: number[] = [];
  let flow = 0;
  let quote = 0; // the character code of the quote a scalar is open in, across lines
  let blockScalar = -1; // indentation of the key that opened a block scalar (| or >)
  let i = 0;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl;
    let j = i;
    while (j < end && text[j] === ' ') j++;
    const indent = j - i;
    const blank = j === end || text[j] === '#' || text[j] === '\r';
    if (blockScalar >= 0 && (blank || indent > blockScalar)) {
      i = end + 1;
      continue;
    }
    blockScalar = -1;
    if (blank && !quote) {
      i = end + 1;
      continue;
    }
    let depth: number;
    if (!quote && flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) > indent) indents.pop();
      if (indents.length === 0 || (indents[indents.length - 1] as number) < indent)
        indents.push(indent);
      depth = indents.length;
      // "- - - x" and "? " open one level each on the same line.
      while (
        j < end &&
        (text[j] === '-' || text[j] === '?') &&
        (text[j + 1] === ' ' || j + 1 === end)
      ) {
        if (++depth > limit) return j;
        j += 2;
        while (j < end && text[j] === ' ') j++;
      }
      if (depth > limit) return i + indent;
    } else depth = indents.length;
    // Character codes: this loop visits every character of every domain file.
    // The previous character outside quotes (a space for any blank); -1 before the first one.
    let last = -1;
    // The block-scalar test below needs a "|" or ">" on the line: most lines have none.
    let indicator = false;
    for (let k = j; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 0x7c || c === 0x3e) indicator = true;
      if (quote) {
        if (quote === 0x22 && c === 0x5c) k++;
        else if (c === quote) {
          if (quote === 0x27 && text.charCodeAt(k + 1) === 0x27) k++;
          else quote = 0;
        }
        continue;
      }
      // '#' after a blank starts a comment; a quote opens after a blank, [ { , or :.
      if (c === 0x23 && (k === j || last === 0x20)) {
        // The block-scalar test strips a comment only up to a line break of its own (\r).
        for (; k < end && !indicator; k++) {
          const d = text.charCodeAt(k);
          indicator = d === 0x7c || d === 0x3e;
        }
        break;
      }
      const boundary =
        last === -1 ||
        last === 0x20 ||
        last === 0x5b ||
        last === 0x7b ||
        last === 0x2c ||
        last === 0x3a;
      if ((c === 0x22 || c === 0x27) && boundary) quote = c;
      else if (c === 0x5b || c === 0x7b) {
        if (depth + ++flow > limit) return k;
      } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
      last = c !== 0x20 && c !== 0x09 && c !== 0x0d ? c : 0x20;
    }
    if (
      indicator &&
      !quote &&
      flow === 0 &&
      /[|>][-+0-9]*$/.test(text.slice(j, end).replace(/\s+(#.*)?$/, ''))
    )
      blockScalar = indent;
    i = end + 1;
  }
  return -1;
}
