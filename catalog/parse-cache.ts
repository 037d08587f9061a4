// Files that parsed and passed their shape checks before, remembered across runs (like the
// schema verdicts): a pull request changes a few of 200 domain files, and reading YAML and
// checking it with zod is most of what an unchanged file costs. An entry is keyed by the file's
// path and exact text; the salt covers the catalog's own code and the parsing libraries, so
// changing either parses everything again. Only clean files are remembered: a file with a
// problem is parsed afresh every time, so its findings keep their exact wording and position.
// Entries keep their file's text: comparing two strings is cheaper than hashing one. One entry
// per path: with --base, a file the change touches is remembered in its head version only.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AppSpec, DomainHeader, TopicSpec } from './format/domain-file';
import type { PlatformFile } from './format/platform-file';
import { CACHE_DIR, packageVersion } from './schemas/verdicts';

/** A domain file's checked parts and the key offsets its positions need. */
export interface ParsedDomain {
  readonly keys: ReadonlyMap<string, number>;
  readonly header: DomainHeader;
  readonly apps: ReadonlyMap<string, AppSpec>;
  readonly topics: ReadonlyMap<string, TopicSpec>;
}

/** platform.yaml checked, and the key offsets its positions need. */
export interface ParsedPlatform {
  readonly keys: ReadonlyMap<string, number>;
  readonly platform: PlatformFile;
}

/** What the first pass learns from a schema file (see schemas/parse.ts). */
export interface SchemaOutline {
  readonly defines: readonly string[];
  readonly needs: readonly string[];
  readonly namespace?: string;
}

export interface ParseCache {
  /** Whether an entry for this path is kept, whatever its text. */
  remembers(path: string): boolean;
  platform(path: string, text: string): ParsedPlatform | undefined;
  rememberPlatform(path: string, text: string, parsed: ParsedPlatform): void;
  domain(path: string, text: string): ParsedDomain | undefined;
  rememberDomain(path: string, text: string, parsed: ParsedDomain): void;
  schema(path: string, text: string): SchemaOutline | undefined;
  rememberSchema(path: string, text: string, outline: SchemaOutline): void;
}

/** By path: the text that was parsed, and what came of it. */
type Entries<T> = Map<string, { readonly text: string; readonly value: T }>;

interface Stored {
  readonly salt: string;
  readonly platform: Entries<ParsedPlatform>;
  readonly domains: Entries<ParsedDomain>;
  readonly schemas: Entries<SchemaOutline>;
}

/** The parse cache in one file next to the schema verdicts. */
export class ParseCacheFile implements ParseCache {
  private readonly salt = catalogCodeSalt();
  private readonly old: Stored;
  // Entries used by this run: the only ones written back, so the file never outgrows the catalog.
  private readonly platforms: Entries<ParsedPlatform> = new Map();
  private readonly domains: Entries<ParsedDomain> = new Map();
  private readonly schemas: Entries<SchemaOutline> = new Map();
  private changed = false;

  constructor(readonly path: string) {
    this.old = this.read();
  }

  static forRoot(root: string): ParseCacheFile {
    return new ParseCacheFile(join(root, CACHE_DIR, 'parsed-files.v8'));
  }

  remembers(path: string): boolean {
    return this.old.domains.has(path) || this.old.schemas.has(path);
  }

  platform(path: string, text: string): ParsedPlatform | undefined {
    return this.take(this.old.platform, this.platforms, path, text);
  }

  rememberPlatform(path: string, text: string, parsed: ParsedPlatform): void {
    this.put(this.platforms, path, text, parsed);
  }

  domain(path: string, text: string): ParsedDomain | undefined {
    return this.take(this.old.domains, this.domains, path, text);
  }

  rememberDomain(path: string, text: string, parsed: ParsedDomain): void {
    this.put(this.domains, path, text, parsed);
  }

  schema(path: string, text: string): SchemaOutline | undefined {
    return this.take(this.old.schemas, this.schemas, path, text);
  }

  rememberSchema(path: string, text: string, outline: SchemaOutline): void {
    this.put(this.schemas, path, text, outline);
  }

  /** Writes the file when this run parsed something new or no longer needs an old entry. */
  save(): void {
    const dropped =
      this.old.platform.size > this.platforms.size ||
      this.old.domains.size > this.domains.size ||
      this.old.schemas.size > this.schemas.size;
    if (!this.changed && !dropped) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      const stored: Stored = {
        salt: this.salt,
        platform: this.platforms,
        domains: this.domains,
        schemas: this.schemas,
      };
      writeFileSync(tmp, serialize(stored));
      renameSync(tmp, this.path);
    } catch {
      // A read-only checkout still validates; it only parses everything each time.
    }
  }

  private take<T>(from: Entries<T>, used: Entries<T>, path: string, text: string): T | undefined {
    const entry = from.get(path);
    if (entry?.text !== text) return undefined;
    if (!used.has(path)) used.set(path, entry);
    return entry.value;
  }

  private put<T>(into: Entries<T>, path: string, text: string, value: T): void {
    // The first version a run sees wins: with --base that is the head's, which the next run of
    // the same pull request reads again.
    if (into.has(path)) return;
    into.set(path, { text, value });
    this.changed = true;
  }

  private read(): Stored {
    const empty: Stored = {
      salt: this.salt,
      platform: new Map(),
      domains: new Map(),
      schemas: new Map(),
    };
    try {
      const stored = deserialize(readFileSync(this.path)) as Partial<Stored>;
      // Not `instanceof Map`: deserialize makes its maps in the main realm (not a test VM's).
      const isMap = (v: unknown): boolean => Object.prototype.toString.call(v) === '[object Map]';
      return stored.salt === this.salt &&
        isMap(stored.platform) &&
        isMap(stored.domains) &&
        isMap(stored.schemas)
        ? (stored as Stored)
        : empty;
    } catch {
      return empty;
    }
  }
}

/**
 * The catalog code (every module of this folder, which holds the formats and the parsers) and
 * the versions of the parsing libraries: a cached result is only as good as what produced it.
 * Once per process: the code does not change under it.
 */
export function catalogCodeSalt(): string {
  return (codeSalt ??= computeSalt());
}

let codeSalt: string | undefined;

function computeSalt(): string {
  const hash = createHash('sha1');
  try {
    const walk = (dir: string): void => {
      const entries = readdirSync(dir, { withFileTypes: true });
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.isFile() && /\.[cm]?[jt]s$/.test(e.name))
          hash.update(e.name).update(readFileSync(path));
      }
    };
    walk(__dirname);
    for (const pkg of ['yaml', 'js-yaml', 'zod', 'protobufjs'])
      hash.update(`${pkg}@${packageVersion(pkg)}`);
  } catch {
    // Code that cannot be read cannot vouch for a cached result: a salt no file matches.
    hash.update(randomUUID());
  }
  return hash.digest('base64url');
}
