// A parsed YAML file that still knows where every value came from, so any later rule can
// point at the exact line and column of the key or value it is talking about.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostics, Position } from './diagnostics';

export type Path = readonly (string | number)[];

export class SourceFile {
  private readonly lines = new LineCounter();
  readonly doc: Document.Parsed;
  /** Plain data, or undefined when the file has syntax errors. */
  readonly data: unknown;

  constructor(
    readonly file: string,
    readonly text: string,
    diagnostics: Diagnostics,
  ) {
    this.doc = parseDocument(text, {
      lineCounter: this.lines,
      uniqueKeys: true,
      prettyErrors: false,
    });
    for (const e of this.doc.errors) {
      const duplicate = e.code === 'DUPLICATE_KEY';
      diagnostics.error(
        this.at(e.pos[0]),
        duplicate ? 'duplicate-key' : 'yaml-syntax',
        firstLine(e.message),
        duplicate
          ? 'each key may appear once in a mapping: merge the two entries or rename one'
          : 'fix the YAML syntax at this position',
      );
    }
    this.data = this.doc.errors.length === 0 ? this.toData(diagnostics) : undefined;
  }

  /** Plain data; aliases are resolved here, so an alias to nothing is reported, not thrown. */
  private toData(diagnostics: Diagnostics): unknown {
    try {
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

  /** Position of a character offset. */
  at(offset: number): Position {
    const p = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { file: this.file, line: p.line, col: p.col };
  }

  /**
   * Position of the value at `path` (or of its key, when `key` is true). A path that does not
   * exist resolves to its nearest existing ancestor: a missing key is reported on its parent.
   */
  locate(path: Path, key = false): Position {
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

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}
