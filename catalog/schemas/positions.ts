// Where in a schema file a problem is: the libraries that check schemas (avsc, protobufjs) say
// what is wrong but not where. Built only when there is a finding to place, from the file's
// text, which the input gate (../input.ts) has already bounded in size and depth.

/** A JSON value with the offsets it came from. */
export interface JsonNode {
  readonly start: number;
  readonly kind: 'object' | 'array' | 'scalar';
  /** Scalars only. */
  readonly value?: unknown;
  readonly entries?: readonly { key: string; keyStart: number; node: JsonNode }[];
  readonly items?: readonly JsonNode[];
}

/** The positioned tree of a valid JSON text, or undefined when it is not valid JSON. */
export function jsonTree(text: string): JsonNode | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw new SyntaxError(String(i));
  };
  const string = (): string => {
    const start = i;
    if (text[i] !== '"') fail();
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): JsonNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: string; keyStart: number; node: JsonNode }[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { start, kind: 'object', entries };
      }
      for (;;) {
        ws();
        const keyStart = i;
        const key = string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        entries.push({ key, keyStart, node: value() });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { start, kind: 'object', entries };
        } else fail();
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { start, kind: 'array', items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return { start, kind: 'array', items };
        } else fail();
      }
    }
    if (c === '"') return { start, kind: 'scalar', value: string() };
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += (m as RegExpExecArray)[0].length;
    return { start, kind: 'scalar', value: JSON.parse((m as RegExpExecArray)[0]) as unknown };
  };
  try {
    return value();
  } catch {
    return undefined;
  }
}

/** A node with what leads to it: the key it is the value of, and its parent. */
interface Visit {
  readonly node: JsonNode;
  readonly key?: string;
  readonly keyStart?: number;
  readonly parent?: Visit;
}

/** Every node in document order (iterative: no recursion on the file's depth). */
function* nodes(root: JsonNode): Generator<Visit> {
  const stack: Visit[] = [{ node: root }];
  while (stack.length > 0) {
    const v = stack.pop() as Visit;
    yield v;
    const children: Visit[] =
      v.node.entries?.map((e) => ({ node: e.node, key: e.key, keyStart: e.keyStart, parent: v })) ??
      v.node.items?.map((node) => ({ node, parent: v })) ??
      [];
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k] as Visit);
  }
}

function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.entries?.find((e) => e.key === key)?.node;
}

const same = (node: JsonNode, json: string): boolean =>
  node.kind === 'scalar' && JSON.stringify(node.value) === json;

/** Offset of the value a JSON pointer ("/properties/id/type") names, or -1. */
export function pointerOffset(root: JsonNode | undefined, pointer: string): number {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const next = node?.entries ? member(node, seg) : node?.items?.[Number(seg)];
    if (!next) break;
    node = next;
  }
  return node?.start ?? -1;
}

const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** Offset of what an avsc error message is about, or -1 when it cannot be told. */
function avroErrorOffsetUnsafe(text: string, message: string): number {
  const root = jsonTree(text);
  if (!root) return -1;
  const all = [...nodes(root)];
  const first = (test: (v: Visit) => boolean, nth = 1): number => {
    let seen = 0;
    for (const v of all) if (test(v) && ++seen === nth) return inside(v.node);
    return -1;
  };
  const typeOf = (v: Visit | undefined): unknown => member(v?.node, 'type')?.value;
  const inArray = (v: Visit, key: string): boolean => v.parent?.key === key && !v.key;
  let m: RegExpExecArray | null;
  if ((m = /^(invalid|duplicate) \S+ symbol: (.*)$/.exec(message))) {
    const symbol = m[2] as string;
    if (m[1] === 'invalid') return first((v) => inArray(v, 'symbols') && same(v.node, symbol));
    // The second occurrence within one enum's symbols.
    for (const v of all) {
      const items = v.key === 'symbols' ? v.node.items : undefined;
      const hits = items?.filter((n) => same(n, symbol)) ?? [];
      if (hits.length > 1) return inside(hits[1] as JsonNode);
    }
  }
  if (/^invalid enum symbols/.test(message))
    return first((v) => v.key === 'symbols' && typeOf(v.parent) === 'enum');
  if (/^invalid \S+ default/.test(message))
    return first((v) => v.key === 'default' && typeOf(v.parent) === 'enum');
  if ((m = /^invalid field name: (.*)$/.exec(message))) {
    const name = m[1] as string;
    const at = first((v) => v.key === 'name' && v.parent !== undefined && inArray(v.parent, 'fields') && v.node.value === name);
    if (at >= 0) return at;
    return first((v) => inArray(v, 'fields') && typeof member(v.node, 'name')?.value !== 'string');
  }
  // avsc fails on a field without a type with a TypeError of its own.
  if (/^Cannot read properties/.test(message)) {
    const at = first((v) => inArray(v, 'fields') && v.node.kind === 'object' && !member(v.node, 'type'));
    if (at >= 0) return at;
  }
  if (/^duplicate field name/.test(message)) {
    for (const v of all) {
      if (v.key !== 'fields' || !v.node.items) continue;
      const names = new Set<unknown>();
      for (const f of v.node.items) {
        const n = member(f, 'name');
        if (n && names.has(n.value)) return inside(n);
        names.add(n?.value);
      }
    }
  }
  if ((m = /^incompatible field default (.*?) \(/.exec(message))) {
    const value = m[1] as string;
    const at = first((v) => v.key === 'default' && JSON.stringify(plain(v.node)) === value);
    if (at >= 0) return at;
    return first((v) => v.key === 'default');
  }
  if (/^invalid order/.test(message)) return first((v) => v.key === 'order');
  if ((m = /^(?:undefined type name|unknown type): (.*)$/.exec(message))) {
    const raw = (m[1] as string).replace(/^"(.*)"$/, '$1');
    const short = raw.slice(raw.lastIndexOf('.') + 1);
    const usable = (v: Visit): boolean =>
      v.key === 'type' || v.key === 'items' || v.key === 'values' || (!v.key && v.parent !== undefined) || !v.parent;
    const exact = first((v) => usable(v) && v.node.value === raw);
    return exact >= 0 ? exact : first((v) => usable(v) && v.node.value === short);
  }
  if (/^missing name property/.test(message))
    return first((v) => NAMED.has(String(typeOf(v))) && typeof member(v.node, 'name')?.value !== 'string');
  if ((m = /^(?:duplicate type name|cannot rename primitive type): "?([^"]*)"?$/.exec(message))) {
    const name = m[1] as string;
    const short = name.slice(name.lastIndexOf('.') + 1);
    const dup = /^duplicate/.test(message) ? 2 : 1;
    const at = first((v) => v.key === 'name' && (v.node.value === name || v.node.value === short) && NAMED.has(String(typeOf(v.parent))), dup);
    return at >= 0 ? at : first((v) => v.key === 'name' && v.node.value === short);
  }
  if ((m = /^invalid name: "?([^"]*)"?$/.exec(message))) {
    const full = m[1] as string;
    const candidates = [full, full.slice(full.lastIndexOf('.') + 1), full.slice(0, Math.max(0, full.lastIndexOf('.')))];
    for (const name of candidates) {
      const at = first((v) => (v.key === 'name' || v.key === 'namespace' || inArray(v, 'aliases')) && v.node.value === name);
      if (at >= 0) return at;
    }
  }
  if (/^invalid \S+ size/.test(message)) {
    const at = first((v) => v.key === 'size');
    return at >= 0 ? at : first((v) => typeOf(v) === 'fixed');
  }
  if (/^missing map values/.test(message)) return first((v) => typeOf(v) === 'map' && !member(v.node, 'values'));
  if (/^missing array items/.test(message)) return first((v) => typeOf(v) === 'array' && !member(v.node, 'items'));
  if (/^non-array record fields/.test(message)) {
    const at = first((v) => v.key === 'fields' && v.node.kind !== 'array');
    if (at >= 0) return at;
    return first((v) => (typeOf(v) === 'record' || typeOf(v) === 'error') && !member(v.node, 'fields'));
  }
  if (/^unions cannot be directly nested/.test(message))
    return first((v) => v.node.kind === 'array' && v.parent?.node.kind === 'array' && !v.key);
  if (/^empty union/.test(message)) return first((v) => v.node.kind === 'array' && v.node.items?.length === 0 && v.key !== 'fields' && v.key !== 'symbols');
  if ((m = /^duplicate union branch name: (.*)$/.exec(message))) {
    const branch = (m[1] as string).replace(/^"(.*)"$/, '$1');
    for (const v of all) {
      if (v.node.kind !== 'array' || v.key === 'fields' || v.key === 'symbols') continue;
      const hits = (v.node.items ?? []).filter((n) => n.value === branch || member(n, 'type')?.value === branch || member(n, 'name')?.value === branch);
      if (hits.length > 1) return inside(hits[1] as JsonNode);
    }
  }
  if (/^invalid type: null/.test(message)) return first((v) => v.node.kind === 'scalar' && v.node.value === null && v.key !== 'default');
  // Anything else: the first quoted word of the message that is a value in the file.
  for (const q of message.matchAll(/"([^"]+)"/g)) {
    const at = first((v) => v.node.value === q[1] || v.node.value === (q[1] as string).slice((q[1] as string).lastIndexOf('.') + 1));
    if (at >= 0) return at;
  }
  return -1;
}

/** Where a reader looks for a value: a string's first character, inside its quote. */
function inside(node: JsonNode): number {
  return node.kind === 'scalar' && typeof node.value === 'string' ? node.start + 1 : node.start;
}

function plain(node: JsonNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.items) return node.items.map(plain);
  return Object.fromEntries((node.entries ?? []).map((e) => [e.key, plain(e.node)]));
}

/** Offset of what an ajv error without a schema path is about, or -1. */
function jsonSchemaErrorOffsetUnsafe(text: string, message: string): number {
  const root = jsonTree(text);
  if (!root) return -1;
  let m: RegExpExecArray | null;
  const valueOf = (key: string, value: string): number => {
    for (const v of nodes(root)) if (v.key === key && v.node.value === value) return inside(v.node);
    return -1;
  };
  if ((m = /can't resolve reference (\S+)/.exec(message))) {
    const ref = m[1] as string;
    const at = valueOf('$ref', ref);
    return at >= 0 ? at : valueOf('$ref', ref.replace(/^[^#]*/, ''));
  }
  if ((m = /^Invalid regular expression: \/(.*)\/\w*:/.exec(message))) return valueOf('pattern', m[1] as string);
  for (const q of message.matchAll(/"([^"]+)"/g)) {
    for (const v of nodes(root)) if (v.node.value === q[1]) return inside(v.node);
  }
  return -1;
}

/** Offset of where a schema names what it needs from another file (`need`), or -1. */
function referenceOffsetUnsafe(text: string, format: 'AVRO' | 'JSON' | 'PROTOBUF', need: string): number {
  const quoted = JSON.stringify(need);
  if (format === 'PROTOBUF') {
    const m = new RegExp(`\\bimport\\s+(?:weak\\s+|public\\s+)?(["'])${escape(need)}\\1`).exec(text);
    return m ? m.index + m[0].length - quoted.length + 1 : text.indexOf(need);
  }
  if (format === 'JSON') {
    const m = new RegExp(`"\\$ref"\\s*:\\s*"${escape(need)}(#[^"]*)?"`).exec(text);
    return m ? m.index + m[0].indexOf('"', 6) + 1 : text.indexOf(need);
  }
  // Avro: a full name, or a short name resolved against the enclosing namespace.
  const short = JSON.stringify(need.slice(need.lastIndexOf('.') + 1));
  const asValue = (token: string): number => {
    const m = new RegExp(`[:\\[,]\\s*${escape(token)}`).exec(text);
    return m ? m.index + m[0].length - token.length + 1 : -1;
  };
  const at = asValue(quoted);
  return at >= 0 ? at : asValue(short);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Offset of what a protobufjs error is about, or -1. Errors with "(line N)" are not handled here. */
function protoErrorOffsetUnsafe(text: string, message: string): number {
  const code = blankComments(text);
  let m: RegExpExecArray | null;
  const block = (typeName: string): { start: number; end: number } => {
    const short = typeName.slice(typeName.lastIndexOf('.') + 1);
    const open = new RegExp(`\\b(?:message|enum|service|oneof)\\s+${escape(short)}\\s*\\{`).exec(code);
    if (!open) return { start: 0, end: code.length };
    let depth = 0;
    for (let i = open.index + open[0].length - 1; i < code.length; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}' && --depth === 0) return { start: open.index + open[0].length, end: i };
    }
    return { start: open.index + open[0].length, end: code.length };
  };
  /** The `nth` match of `re` directly inside the block of `owner` (not in nested blocks). */
  const within = (owner: string, re: RegExp, nth: number, group = 0): number => {
    const { start, end } = block(owner);
    let seen = 0;
    let depth = 0;
    let at = start;
    const g = new RegExp(re.source, 'g');
    g.lastIndex = start;
    for (let hit = g.exec(code); hit && hit.index < end; hit = g.exec(code)) {
      for (; at < hit.index; at++) depth += code[at] === '{' ? 1 : code[at] === '}' ? -1 : 0;
      if (depth !== 0) continue;
      if (++seen === nth) return hit.index + (group ? hit[0].indexOf(hit[group] as string) : 0);
    }
    return -1;
  };
  if ((m = /^duplicate id (\d+) in \S+ (\S+)/.exec(message)))
    return within(m[2] as string, new RegExp(`\\b\\w+\\s*=\\s*${m[1]}\\b`), 2);
  if ((m = /^id (\d+) is reserved in \S+ (\S+)/.exec(message)))
    return within(m[2] as string, new RegExp(`\\b\\w+\\s*=\\s*${m[1]}\\s*[;\\[]`), 1);
  if ((m = /^(?:duplicate name|name) '([^']+)' (?:is reserved )?in \S+ (\S+)/.exec(message))) {
    const name = escape(m[1] as string);
    const nth = message.startsWith('duplicate') ? 2 : 1;
    const decl = new RegExp(`(?:\\b(?:message|enum|service|oneof)\\s+(${name})\\b|\\b(${name})\\s*=)`);
    const owner = m[2] as string;
    const at = within(owner, decl, nth);
    if (at >= 0) {
      const hit = decl.exec(code.slice(at)) as RegExpExecArray;
      return at + hit[0].indexOf((hit[1] ?? hit[2]) as string);
    }
    return owner.startsWith('.') || owner === 'Namespace' ? code.search(new RegExp(`\\b${name}\\b`)) : -1;
  }
  if ((m = /^no such (?:Type or Enum|Enum|Type|Service|type) '?([^' ]+)'?/.exec(message))) {
    const name = m[1] as string;
    const use = new RegExp(`(^|[^\\w.])(${escape(name)})\\s+\\w+\\s*=`, 'm').exec(code);
    if (use) return use.index + (use[1] as string).length;
    return code.search(new RegExp(`(?<![\\w.])${escape(name)}(?![\\w])`));
  }
  if ((m = /^Unknown edition: (\S+)/.exec(message))) return code.search(new RegExp(`["']${escape(m[1] as string)}["']`)) + 1 || -1;
  if ((m = /^invalid key type: (\S+)/.exec(message))) return code.search(new RegExp(`map\\s*<\\s*${escape(m[1] as string)}`));
  return -1;
}

/** The text with comments and string contents replaced by spaces (offsets kept). */
function blankComments(text: string): string {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (s) =>
    s.startsWith('/') ? s.replace(/[^\n]/g, ' ') : s[0] + s.slice(1, -1).replace(/[^\n]/g, ' ') + s.slice(-1),
  );
}

/**
 * Placing a finding is best effort: a name from the file that trips a search (a pattern, a
 * huge token) leaves the finding at the file's start instead of stopping validation.
 */
function safe<A extends unknown[]>(fn: (...args: A) => number): (...args: A) => number {
  return (...args) => {
    try {
      return fn(...args);
    } catch {
      return -1;
    }
  };
}

/** Offset of what an avsc error message is about, or -1 when it cannot be told. */
export const avroErrorOffset = safe(avroErrorOffsetUnsafe);
/** Offset of what an ajv error without a schema path is about, or -1. */
export const jsonSchemaErrorOffset = safe(jsonSchemaErrorOffsetUnsafe);
/** Offset of where a schema names what it needs from another file (`need`), or -1. */
export const referenceOffset = safe(referenceOffsetUnsafe);
/** Offset of what a protobufjs error is about, or -1. */
export const protoErrorOffset = safe(protoErrorOffsetUnsafe);
