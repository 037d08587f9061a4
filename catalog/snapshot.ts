// The last error-free load of a catalog, remembered on disk next to the parse cache: a command
// that loads a catalog nobody changed since (a no-op plan, another synth, a second validation)
// gets the model without parsing, checking and building it again. Kept with the questions that
// load asked of its files (listings, contents as digests, links leaving their folder: see
// NotedDiskFiles) and used only when the working tree answers every one of them as it did, under
// the same catalog code and libraries (the parse cache's salt and the schema checkers' versions).
// A load with an error is never kept: its findings are always made afresh, positions and all.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Diagnostic, Position } from './diagnostics';
import { Diagnostics } from './diagnostics';
import { answersAgain, DiskFiles } from './files';
import type { Question } from './files';
import type { PlatformFile } from './format/platform-file';
import { PLATFORM_FILE } from './loader';
import type { LoadResult } from './loader';
import { Catalog } from './model';
import type { Domain, SchemaFile, Subject } from './model';
import { catalogCodeSalt } from './parse-cache';
import { CACHE_DIR, packageVersion } from './schemas/verdicts';
import { SourceFile } from './source';

interface Stored {
  readonly salt: string;
  readonly questions: readonly Question[];
  /** The Model, serialized on its own: read only once the questions are answered the same. */
  readonly model: Uint8Array;
}

interface Model {
  readonly platform: PlatformFile;
  readonly domains: readonly Domain[];
  readonly schemas: ReadonlyMap<string, SchemaFile>;
  readonly subjects: readonly Subject[];
  /** Warnings only: a load with an error is not kept. */
  readonly diagnostics: readonly Diagnostic[];
}

/** A remembered load: the result as loadCatalog gave it, and the questions it stands on. */
export interface Snapshot {
  readonly result: LoadResult;
  readonly questions: readonly Question[];
}

export class SnapshotFile {
  private pending?: Stored;

  constructor(
    readonly path: string,
    private readonly root: string,
  ) {}

  static forRoot(root: string): SnapshotFile {
    return new SnapshotFile(join(root, CACHE_DIR, 'loaded-catalog.v8'), root);
  }

  /** The remembered load, when the files answer as they did; undefined otherwise. */
  lookup(): Snapshot | undefined {
    let stored: Stored;
    try {
      stored = deserialize(readFileSync(this.path)) as Stored;
    } catch {
      return undefined; // none yet, or unreadable: load
    }
    if (stored?.salt !== snapshotSalt() || !Array.isArray(stored.questions)) return undefined;
    if (!answersAgain(this.root, stored.questions)) return undefined;
    let model: Model;
    try {
      model = deserialize(stored.model) as Model;
    } catch {
      return undefined;
    }
    const catalog = new Catalog(model.platform, model.domains, model.schemas, model.subjects);
    return {
      result: {
        catalog,
        model: catalog,
        locate: lazyLocate(this.root, catalog),
        diagnostics: model.diagnostics,
        errorCount: 0,
      },
      questions: stored.questions,
    };
  }

  /** Keeps this load for `save`, when it has no error. */
  remember(questions: readonly Question[], result: LoadResult): void {
    const { catalog } = result;
    if (!catalog || result.errorCount > 0) return;
    const model: Model = {
      platform: catalog.platform,
      domains: catalog.domains,
      schemas: catalog.schemas,
      subjects: catalog.subjects,
      diagnostics: result.diagnostics,
    };
    this.pending = { salt: snapshotSalt(), questions, model: serialize(model) };
  }

  save(): void {
    if (!this.pending) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, serialize(this.pending));
      renameSync(tmp, this.path);
    } catch {
      // A read-only checkout still loads; it only does the whole work each time.
    }
    this.pending = undefined;
  }
}

/** The catalog code and parsers (the parse cache's salt), and the schema checkers. */
function snapshotSalt(): string {
  const v = packageVersion;
  return `${catalogCodeSalt()} avsc@${v('avsc')} ajv@${v('ajv')} ajv-formats@${v('ajv-formats')}`;
}

/**
 * Positions as the load gives them (platform.yaml's and the domain files'; line 1 elsewhere),
 * each file parsed for them only when first asked: a remembered load parsed none.
 */
function lazyLocate(root: string, catalog: Catalog): LoadResult['locate'] {
  const located = new Set([PLATFORM_FILE, ...catalog.domains.map((d) => d.file)]);
  const sources = new Map<string, SourceFile | undefined>();
  return (file, path, key): Position => {
    if (!sources.has(file)) {
      const text = located.has(file) ? new DiskFiles(root).read(file) : undefined;
      sources.set(
        file,
        text === undefined ? undefined : new SourceFile(file, text, new Diagnostics()),
      );
    }
    return sources.get(file)?.locate(path, key) ?? { file, line: 1, col: 1 };
  };
}
