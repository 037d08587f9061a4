// Plain YAML read without a YAML library: block mappings of plain keys, block sequences of
// scalars, and scalars whose meaning cannot be in doubt (plain words, unescaped quoted strings,
// small integers, true and false). Generated and most hand-written domain files are nothing
// else, and reading them this way is several times faster than js-yaml. Anything else (a comment
// after a quoted value, flow collections, anchors, tags, block or multi-line scalars, escapes, numbers
// other than small integers, a duplicate key, any irregular indentation) is left to js-yaml and
// `yaml` (source.ts), which then read or report it exactly as before: this module never reports.

export interface PlainYaml {
  readonly data: unknown;
  /** Offsets of the mapping keys at depth one and two, as source.ts's keyOffsets gives them. */
  readonly keys: Map<string, number>;
}

/** Thrown inside the reader: a YAML library must decide. */
const UNSURE = Symbol('unsure');

function unsure(): never {
  throw UNSURE;
}

/** Keys read as themselves: a letter first, none of YAML's null or boolean words. */
const KEY = /^[A-Za-z][A-Za-z0-9_./-]*$/;
const KEY_WORDS = /^(?:null|true|false|yes|no|on|off|y|n)$/i;
/** Plain scalars that are strings in the core schema whatever the library: no number, no word. */
const WORD = /^[A-Za-z_/][^:#]*$/;
const DIGITS_THEN_LETTERS = /^[1-9][0-9]*[A-Za-z]+$/;
const SMALL_INT = /^(?:0|[1-9][0-9]{0,14})$/;
/** Characters that, anywhere on a line, may mean something this reader does not follow. */
const SPECIAL = /[#&*!|>{}[\]%`\\]|^(?:---|\.\.\.)/;
/** The same over a whole text without comments, in one pass. */
const SPECIAL_ANYWHERE = /[&*!|>{}[\]%`\\]|^ *(?:---|\.\.\.)/m;
/** Printable ASCII and line feeds only: js-yaml refuses some other characters. */
const NOT_PLAIN_ASCII = /[^\x20-\x7e\n]/;

/** The document's data and key offsets, or undefined when a YAML library must read it. */
export function plainYaml(text: string): PlainYaml | undefined {
  try {
    return new Reader(text).read();
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

interface Line {
  readonly indent: number;
  /** Offset of the first character after the indentation. */
  readonly start: number;
  readonly end: number;
}

class Reader {
  private readonly lines: Line[] = [];
  private i = 0;
  readonly keys = new Map<string, number>();

  constructor(private readonly text: string) {
    if (NOT_PLAIN_ASCII.test(text)) unsure();
    const comments = text.includes('#');
    if (!comments && SPECIAL_ANYWHERE.test(text)) unsure();
    let at = 0;
    while (at <= text.length) {
      const nl = text.indexOf('\n', at);
      const end = nl < 0 ? text.length : nl;
      let s = at;
      while (s < end && text.charCodeAt(s) === 0x20) s++;
      if (s < end && !comments) this.lines.push({ indent: s - at, start: s, end });
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
        this.lines.push({ indent: s - at, start: s, end: s + content.length });
      }
      at = end + 1;
    }
  }

  read(): PlainYaml {
    const first = this.lines[0];
    if (!first) unsure(); // an empty document is null: js-yaml says so
    if (first.indent !== 0) unsure();
    const data = this.mapping(0, []);
    if (this.i < this.lines.length) unsure();
    return { data, keys: this.keys };
  }

  /** A block mapping whose keys sit at `indent`; `path` is its keys' path (for the offsets). */
  private mapping(indent: number, path: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent) unsure();
      const { text } = this;
      const colon = text.indexOf(':', line.start);
      if (colon < 0 || colon >= line.end) unsure();
      const key = text.slice(line.start, colon);
      // A key seen before (`in`: a duplicate, or a name plain objects inherit) is js-yaml's.
      if (!KEY.test(key) || KEY_WORDS.test(key) || key in out) unsure();
      if (path.length === 0) this.keys.set(key, line.start);
      else if (path.length === 1) this.keys.set(`${path[0]}\0${key}`, line.start);
      this.i++;
      const rest = text.slice(colon + 1, line.end);
      if (rest.trim() === '') {
        const next = this.lines[this.i];
        if (next && next.indent > indent) {
          const s = text.charCodeAt(next.start);
          out[key] =
            s === 0x2d /* - */
              ? this.sequence(next.indent)
              : this.mapping(next.indent, [...path, key]);
        } else if (next && next.indent === indent && text.charCodeAt(next.start) === 0x2d) {
          out[key] = this.sequence(indent);
        } else unsure(); // an empty value: null, left to js-yaml
      } else {
        if (rest.charCodeAt(0) !== 0x20) unsure(); // "key:value" is one plain scalar
        out[key] = this.scalar(rest.trim());
      }
    }
    return out;
  }

  /** A block sequence of scalars whose dashes sit at `indent`. */
  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent) unsure();
      const { text } = this;
      if (text.charCodeAt(line.start) !== 0x2d) break; // the mapping around it goes on
      if (text.charCodeAt(line.start + 1) !== 0x20) unsure();
      const item = text.slice(line.start + 2, line.end).trim();
      if (item === '' || item.startsWith('- ') || item.startsWith('? ')) unsure();
      if (item.includes(': ') || item.endsWith(':')) unsure(); // a mapping in the sequence
      this.i++;
      out.push(this.scalar(item));
    }
    return out;
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
    if (SMALL_INT.test(s)) return Number(s);
    if (DIGITS_THEN_LETTERS.test(s)) return s;
    if (WORD.test(s) && !KEY_WORDS.test(s) && !s.endsWith(' ') && !s.includes(' -')) return s;
    return unsure();
  }
}
