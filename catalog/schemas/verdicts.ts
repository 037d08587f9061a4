// Schemas that passed their check before, remembered across runs (like `eslint --cache`): a
// 10,000-schema catalog spends most of its validation time in avsc, and most schemas do not
// change between two runs. The key covers the file, everything it references and the versions
// of the checking libraries, so any change to those checks the schema again. Only passes are
// remembered; a problem is always found afresh, with its exact message and position.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SchemaVerdicts {
  has(key: string): boolean;
  add(key: string): void;
}

/** Bump when what the schema checks do changes in a way the library versions do not show. */
const CHECKS_VERSION = 2; // 2: Avro primitive types shared between checks
/** Where validation keeps what it remembers, relative to the catalog root. */
export const CACHE_DIR = join('node_modules', '.cache', 'streamplane');
const MAX_ENTRIES = 200_000;

/** The installed version of a library: what the cached results depend on. */
export function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
}

function salt(): string {
  const v = packageVersion;
  return `${CHECKS_VERSION} avsc@${v('avsc')} ajv@${v('ajv')} protobufjs@${v('protobufjs')}`;
}

export function verdictKey(format: string, text: string, referenceKeys: readonly string[]): string {
  return createHash('sha256')
    .update(`${format}\0${text}\0${[...referenceKeys].sort().join(',')}`)
    .digest('base64url');
}

/** Verdicts kept in a JSON file (node_modules/.cache/streamplane by default). */
export class VerdictFile implements SchemaVerdicts {
  private readonly known: Set<string>;
  private readonly salt = salt();
  private changed = false;

  constructor(readonly path: string) {
    this.known = new Set(this.read());
  }

  static forRoot(root: string): VerdictFile {
    return new VerdictFile(join(root, CACHE_DIR, 'schema-verdicts.json'));
  }

  has(key: string): boolean {
    return this.known.has(key);
  }

  add(key: string): void {
    if (this.known.has(key)) return;
    this.known.add(key);
    this.changed = true;
  }

  /** Writes the file if anything was added; a cache that cannot be written is skipped. */
  save(): void {
    if (!this.changed) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const keys = [...this.known].slice(-MAX_ENTRIES);
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ salt: this.salt, keys }));
      renameSync(tmp, this.path);
      this.changed = false;
    } catch {
      // A read-only checkout still validates; it only validates without the cache.
    }
  }

  private read(): string[] {
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as { salt?: unknown; keys?: unknown };
      return data.salt === this.salt && Array.isArray(data.keys) ? data.keys.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  }
}
