// Plain YAML read without a YAML library: block mappings of plain keys, block sequences of
// scalars, flow collections on one line (`[a, b]`, `{ k: v, m: { n: 1 } }`) as a mapping's value,
// and scalars whose meaning cannot be in doubt (plain words, unescaped quoted strings, small
// integers, true and false). Generated and most hand-written domain files are nothing else, and
// reading them this way is several times faster than js-yaml. Anything else (a comment after a
// quoted value, a flow collection over several lines or in a block sequence, a bracket, brace or
// quote inside a scalar of a flow collection, anchors, tags, block or multi-line scalars,
// escapes, numbers other than small integers, a duplicate key, any irregular indentation) is left
// to js-yaml and `yaml` (source.ts), which then read or report it exactly as before: this module
// never reports.
//
// Every line of every domain file passes through here, so keys and scalars are checked with
// character codes, not regular expressions, and lines are kept as numbers, not objects.

export interface PlainYaml {
  readonly data: unknown;
  /** Offsets of the mapping keys at depth one and two, as source.ts's keyOffsets gives them. */
  readonly keys: Map<string, number>;
  /** Whether the text holds a "#" anywhere (a comment, or one in a value). */
  readonly comments: boolean;
  /** The deepest indentation of a line, in spaces (input.ts bounds the nesting by it). */
  readonly maxIndent: number;
  /** The deepest nesting of flow collections on a line (0: none). */
  readonly flowDepth: number;
}

/** Thrown inside the reader: a YAML library must decide. */
const UNSURE = Symbol('unsure');

function unsure(): never {
  throw UNSURE;
}

/**
 * Deeper than any catalog file goes (the depth gate allows 32 levels and reports the rest):
 * left to the libraries, behind that gate, so that this reader's recursion stays shallow.
 */
const MAX_DEPTH = 64;
/**
 * Characters that, anywhere on a line, may mean something this reader does not follow (flow
 * brackets and braces are read where a value starts, and refused anywhere else).
 */
const SPECIAL = /[#&*!|>%`\\]|^(?:---|\.\.\.)/;
/** The same over a whole text without comments, in one pass (document markers: per line). */
const SPECIAL_ANYWHERE = /[&*!|>%`\\]/;
/** Flow collections nested deeper than this on one line are left to the libraries. */
const MAX_FLOW_DEPTH = 8;
/** Printable ASCII and line feeds only: js-yaml refuses some other characters. */
const NOT_PLAIN_ASCII = /[^\x20-\x7e\n]/;
/** YAML's null and boolean words (any case), which no key or plain word may be. */
const KEY_WORDS = new Set(['null', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n']);

/** The document's data and key offsets, or undefined when a YAML library must read it. */
export function plainYaml(text: string): PlainYaml | undefined {
  try {
    return new Reader(text).read();
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

const isLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** One of YAML's null or boolean words, in any case (at most five letters). */
function keyWord(text: string, start: number, end: number): boolean {
  return end - start <= 5 && KEY_WORDS.has(text.slice(start, end).toLowerCase());
}

/** A key read as itself: a letter, then letters, digits and `_./-`; none of the key words. */
function plainKey(text: string, start: number, end: number): boolean {
  if (end <= start || !isLetter(text.charCodeAt(start))) return false;
  for (let k = start + 1; k < end; k++) {
    const c = text.charCodeAt(k);
    if (!(isLetter(c) || isDigit(c) || c === 0x5f || c === 0x2e || c === 0x2f || c === 0x2d))
      return false;
  }
  return !keyWord(text, start, end);
}

const SPACE = 0x20;
const DASH = 0x2d;
const COMMA = 0x2c;
const OPEN_SEQ = 0x5b;
const CLOSE_SEQ = 0x5d;
const OPEN_MAP = 0x7b;
const CLOSE_MAP = 0x7d;

class Reader {
  /** Three numbers per line: its indentation, the offset after it, and where the line ends. */
  private readonly lines: number[] = [];
  private count = 0;
  private i = 0;
  private readonly keys = new Map<string, number>();
  private readonly comments: boolean;
  /** Where the flow collection reader is. */
  private at = 0;
  private maxIndent = 0;
  private flowDepth = 0;

  constructor(private readonly text: string) {
    if (NOT_PLAIN_ASCII.test(text)) unsure();
    const comments = text.includes('#');
    this.comments = comments;
    if (!comments && SPECIAL_ANYWHERE.test(text)) unsure();
    const { lines } = this;
    let at = 0;
    while (at <= text.length) {
      const nl = text.indexOf('\n', at);
      const end = nl < 0 ? text.length : nl;
      let s = at;
      while (s < end && text.charCodeAt(s) === SPACE) s++;
      if (s < end && !comments) {
        // A document marker ("---", "...") at the start of a line's content.
        if (text.startsWith('---', s) || text.startsWith('...', s)) unsure();
        this.line(s - at, s, end);
      }
      // A line of its own that starts with "#" is a comment (no block scalar is read here).
      else if (s < end && text.charCodeAt(s) !== 0x23) {
        let content = text.slice(s, end);
        // " #" starts a comment after a value; after a quote it may be inside a string.
        const comment = content.indexOf(' #');
        if (comment >= 0) {
          content = content.slice(0, comment);
          if (content.includes('"') || content.includes("'")) unsure();
          content = content.trimEnd();
        }
        if (SPECIAL.test(content)) unsure();
        this.line(s - at, s, s + content.length);
      }
      at = end + 1;
    }
    this.count = lines.length / 3;
  }

  private line(indent: number, start: number, end: number): void {
    this.lines.push(indent, start, end);
    if (indent > this.maxIndent) this.maxIndent = indent;
  }

  read(): PlainYaml {
    if (this.count === 0) unsure(); // an empty document is null: js-yaml says so
    if (this.lines[0] !== 0) unsure();
    const data = this.mapping(0, 0, '');
    if (this.i < this.count) unsure();
    return {
      data,
      keys: this.keys,
      comments: this.comments,
      maxIndent: this.maxIndent,
      flowDepth: this.flowDepth,
    };
  }

  /**
   * A block mapping whose keys sit at `indent`, `depth` mappings deep; `top` is the key of the
   * depth-one mapping it is in (for the key offsets).
   */
  private mapping(indent: number, depth: number, top: string): Record<string, unknown> {
    if (depth > MAX_DEPTH) unsure();
    const { text, lines } = this;
    const out: Record<string, unknown> = {};
    while (this.i < this.count) {
      const at = 3 * this.i;
      const lineIndent = lines[at] as number;
      if (lineIndent < indent) break;
      if (lineIndent > indent) unsure();
      const start = lines[at + 1] as number;
      const end = lines[at + 2] as number;
      const colon = text.indexOf(':', start);
      if (colon < 0 || colon >= end) unsure();
      // A key seen before (`in`: a duplicate, or a name plain objects inherit) is js-yaml's.
      if (!plainKey(text, start, colon)) unsure();
      const key = text.slice(start, colon);
      if (key in out) unsure();
      if (depth === 0) this.keys.set(key, start);
      else if (depth === 1) this.keys.set(`${top}\0${key}`, start);
      this.i++;
      // The value: what follows ": ", without the spaces around it.
      let v = colon + 1;
      while (v < end && text.charCodeAt(v) === SPACE) v++;
      if (v === end) {
        const next = 3 * this.i;
        if (this.i < this.count && (lines[next] as number) > indent) {
          out[key] =
            text.charCodeAt(lines[next + 1] as number) === DASH
              ? this.sequence(lines[next] as number)
              : this.mapping(lines[next] as number, depth + 1, depth === 0 ? key : top);
        } else if (
          this.i < this.count &&
          lines[next] === indent &&
          text.charCodeAt(lines[next + 1] as number) === DASH
        ) {
          out[key] = this.sequence(indent);
        } else unsure(); // an empty value: null, left to js-yaml
      } else {
        if (v === colon + 1) unsure(); // "key:value" is one plain scalar
        let e = end;
        while (text.charCodeAt(e - 1) === SPACE) e--;
        const c = text.charCodeAt(v);
        if (c === OPEN_SEQ || c === OPEN_MAP) {
          this.at = v;
          out[key] = this.flow(1, depth === 0 ? key : undefined);
          if (this.at !== e) unsure(); // more after the collection, or a collection left open
        } else out[key] = this.scalar(text.slice(v, e));
      }
    }
    return out;
  }

  /** A block sequence of scalars whose dashes sit at `indent`. */
  private sequence(indent: number): unknown[] {
    const { text, lines } = this;
    const out: unknown[] = [];
    while (this.i < this.count) {
      const at = 3 * this.i;
      const lineIndent = lines[at] as number;
      if (lineIndent < indent) break;
      if (lineIndent > indent) unsure();
      const start = lines[at + 1] as number;
      if (text.charCodeAt(start) !== DASH) break; // the mapping around it goes on
      if (text.charCodeAt(start + 1) !== SPACE) unsure();
      const item = text.slice(start + 2, lines[at + 2] as number).trim();
      if (item === '' || item.startsWith('- ') || item.startsWith('? ')) unsure();
      if (item.includes(': ') || item.endsWith(':')) unsure(); // a mapping in the sequence
      this.i++;
      out.push(this.scalar(item));
    }
    return out;
  }

  /**
   * The flow collection that opens at `this.at`, on its line, `level` collections deep; leaves
   * `this.at` after its closing bracket. `top`: the depth-one key it is the value of, whose keys
   * are recorded like a block mapping's (source.ts's keyOffsets does the same).
   */
  private flow(level: number, top?: string): unknown {
    if (level > MAX_FLOW_DEPTH) unsure();
    if (level > this.flowDepth) this.flowDepth = level;
    const { text } = this;
    const map = text.charCodeAt(this.at) === OPEN_MAP;
    const close = map ? CLOSE_MAP : CLOSE_SEQ;
    const seq: unknown[] = [];
    const obj: Record<string, unknown> = {};
    this.at++;
    this.spaces();
    if (text.charCodeAt(this.at) === close) {
      this.at++;
      return map ? obj : seq;
    }
    for (;;) {
      if (map) {
        const start = this.at;
        let k = start;
        while (k < text.length && text.charCodeAt(k) !== 0x3a && text.charCodeAt(k) !== 0x0a) k++;
        if (text.charCodeAt(k) !== 0x3a || text.charCodeAt(k + 1) !== SPACE) unsure();
        if (!plainKey(text, start, k)) unsure();
        const key = text.slice(start, k);
        if (key in obj) unsure();
        if (top !== undefined) this.keys.set(`${top}\0${key}`, start);
        this.at = k + 1;
        this.spaces();
        obj[key] = this.flowItem(level);
      } else seq.push(this.flowItem(level));
      this.spaces();
      const c = text.charCodeAt(this.at);
      this.at++;
      if (c === close) return map ? obj : seq;
      if (c !== COMMA) unsure();
      this.spaces();
      // "[a, ]": YAML allows it, some readers do not; left to the libraries.
      const next = text.charCodeAt(this.at);
      if (next === close || next === COMMA) unsure();
    }
  }

  /** A flow collection's item or value at `this.at`: a collection, or a scalar up to `,]}`. */
  private flowItem(level: number): unknown {
    const { text } = this;
    const c = text.charCodeAt(this.at);
    if (c === OPEN_SEQ || c === OPEN_MAP) return this.flow(level + 1);
    const start = this.at;
    let k = start;
    if (c === 0x22 || c === 0x27) {
      // A quoted scalar: to its closing quote, with no bracket, brace, comma or other quote in
      // it (the libraries' then, and the depth scan's).
      for (k = start + 1; k < text.length; k++) {
        const d = text.charCodeAt(k);
        if (d === c) break;
        if (d === 0x0a || d === 0x22 || d === 0x27 || d === COMMA) unsure();
        if (d === OPEN_SEQ || d === CLOSE_SEQ || d === OPEN_MAP || d === CLOSE_MAP) unsure();
      }
      this.at = k + 1;
      return this.scalar(text.slice(start, k + 1));
    }
    for (; k < text.length; k++) {
      const d = text.charCodeAt(k);
      if (d === COMMA || d === CLOSE_SEQ || d === CLOSE_MAP || d === 0x0a) break;
      // A bracket, brace or quote inside a plain scalar: the libraries'.
      if (d === OPEN_SEQ || d === OPEN_MAP || d === 0x22 || d === 0x27) unsure();
    }
    let e = k;
    while (e > start && text.charCodeAt(e - 1) === SPACE) e--;
    if (e === start) unsure(); // an empty item: null, or a mistake
    this.at = k;
    return this.scalar(text.slice(start, e));
  }

  private spaces(): void {
    while (this.text.charCodeAt(this.at) === SPACE) this.at++;
  }

  private scalar(s: string): unknown {
    const q = s.charCodeAt(0);
    if (q === 0x22 /* " */ || q === 0x27 /* ' */) {
      if (s.length < 2 || s.charCodeAt(s.length - 1) !== q) unsure();
      const inner = s.slice(1, -1);
      if (inner.includes(s[0] as string)) unsure();
      return inner;
    }
    if (s === 'true') return true;
    if (s === 'false') return false;
    if (q >= 0x30 && q <= 0x39) return number(s);
    return word(s) ? s : unsure();
  }
}

/**
 * A scalar that starts with a digit: a small integer ("0", or up to 15 digits without a leading
 * zero), or digits then letters ("7d", "10MB": a string); anything else is the libraries'.
 */
function number(s: string): unknown {
  const n = s.length;
  if (s === '0') return 0;
  if (s.charCodeAt(0) === 0x30) return unsure();
  let k = 1;
  while (k < n && isDigit(s.charCodeAt(k))) k++;
  if (k === n) return n <= 15 ? Number(s) : unsure();
  for (let l = k; l < n; l++) if (!isLetter(s.charCodeAt(l))) return unsure();
  return s;
}

/**
 * A plain scalar that is a string in the core schema whatever the library: a letter, "_" or "/"
 * first, no ":", "#", bracket or brace, no " -", not ending in a space, and none of the null or
 * boolean words.
 */
function word(s: string): boolean {
  const n = s.length;
  const c0 = s.charCodeAt(0);
  if (!(isLetter(c0) || c0 === 0x5f || c0 === 0x2f)) return false;
  for (let k = 1; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x3a || c === 0x23) return false;
    if (c === OPEN_SEQ || c === CLOSE_SEQ || c === OPEN_MAP || c === CLOSE_MAP) return false;
    if (c === DASH && s.charCodeAt(k - 1) === SPACE) return false;
  }
  return s.charCodeAt(n - 1) !== SPACE && !keyWord(s, 0, n);
}
