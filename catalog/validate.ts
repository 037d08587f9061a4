// `npm run validate`: the catalog's own rules, CODEOWNERS, and (with a base) change safety.
import type * as ChangeSafety from './change-safety';
import { checkCodeowners } from './codeowners';
import type { Diagnostic } from './diagnostics';
import { Diagnostics } from './diagnostics';
import { answersAgain, DiskFiles, GitFiles, NotedDiskFiles, resolveRevision } from './files';
import type * as History from './history';
import { CATALOG_PATHS, loadCatalog, timed } from './loader';
import type { LoadOptions, LoadResult } from './loader';
import { ParseCacheFile } from './parse-cache';
import type { Catalog } from './model';
import { summarize } from './report';
import { SnapshotFile } from './snapshot';
import { VerdictFile } from './schemas/verdicts';
import type { Summary } from './report';

export interface ValidateOptions {
  /** A git revision to compare with (enables the change-safety rules). */
  readonly base?: string;
  /** Check .github/CODEOWNERS (default true). */
  readonly codeowners?: boolean;
  /** Remember files that parsed clean and schemas that passed (see `remembered`; default true). */
  readonly cache?: boolean;
  /** Receives milliseconds per phase of loading the catalog, for the benchmark. */
  readonly phases?: Map<string, number>;
  /** Helper threads for a large catalog (see parallel.ts; by default as the machine allows). */
  readonly parallel?: LoadOptions['parallel'];
}

export interface ValidationResult {
  readonly catalog?: Catalog;
  readonly diagnostics: readonly Diagnostic[];
  readonly errorCount: number;
  readonly summary?: Summary;
}

/** A mistake in how the command was called (exit 2), as opposed to in the catalog (exit 1). */
export class UsageError extends Error {}

/**
 * What validation remembers across runs under a catalog root (node_modules/.cache/streamplane):
 * files that parsed clean and schemas that passed. `npm run synth` shares it.
 */
export function remembered(root: string): {
  readonly options: Required<Pick<LoadOptions, 'verdicts' | 'parseCache'>>;
  save(): void;
} {
  const verdicts = VerdictFile.forRoot(root);
  const parseCache = ParseCacheFile.forRoot(root);
  return {
    options: { verdicts, parseCache },
    save: () => {
      verdicts.save();
      parseCache.save();
    },
  };
}

/**
 * The catalog under `root`, as loaded before if nothing it was made of changed since (see
 * snapshot.ts), else loaded with what `remembered` holds, and remembered for the next time.
 */
export function loadRemembered(root: string): LoadResult {
  return loadNoted(root).result;
}

/** loadRemembered, and how to tell later whether its files still answer as they did. */
function loadNoted(root: string): { result: LoadResult; unchanged: () => boolean } {
  const snapshot = SnapshotFile.forRoot(root);
  const hit = snapshot.lookup();
  if (hit) return { result: hit.result, unchanged: () => answersAgain(root, hit.questions) };
  const memory = remembered(root);
  const files = new NotedDiskFiles(root);
  const result = loadCatalog(files, memory.options);
  memory.save();
  snapshot.remember(files.questions(), result);
  snapshot.save();
  return { result, unchanged: () => files.unchanged() };
}

/**
 * The catalog under `root` for a process that loads it again and again (the reconciler, before
 * every pass): the last load's result while the files answer every question of that load as
 * they did (see NotedDiskFiles), else loadRemembered's. Kept in memory for a few roots.
 */
export function loadUnchanged(root: string): LoadResult {
  const last = lastLoads.get(root);
  if (last?.unchanged()) return last.result;
  const loaded = loadNoted(root);
  lastLoads.delete(root);
  lastLoads.set(root, loaded);
  for (const oldest of lastLoads.keys()) {
    if (lastLoads.size <= 4) break;
    lastLoads.delete(oldest);
  }
  return loaded.result;
}

const lastLoads = new Map<string, { result: LoadResult; unchanged: () => boolean }>();

export function validateCatalog(root: string, options: ValidateOptions = {}): ValidationResult {
  const files = new DiskFiles(root);
  const { phases } = options;
  // A plain validation may reuse the last load whole (snapshot.ts); one that compares with a
  // base, measures its phases or remembers nothing loads afresh.
  const whole = options.cache !== false && options.base === undefined && !phases;
  const memory =
    options.cache === false || whole ? undefined : timed(phases, 'caches', () => remembered(root));
  const head = whole
    ? loadRemembered(root)
    : loadCatalog(files, {
        ...memory?.options,
        ...(phases && { phases }),
        ...(options.parallel !== undefined && { parallel: options.parallel }),
      });
  const extra = new Diagnostics();
  if (head.catalog && options.codeowners !== false) checkCodeowners(head.catalog, files, extra);
  if (options.base !== undefined) {
    const rev = resolveRevision(root, options.base);
    if (!rev)
      throw new UsageError(
        `--base ${options.base}: not a git revision in ${root} (fetch it first, e.g. git fetch origin main)`,
      );
    const base = timed(phases, 'base', () =>
      loadCatalog(new GitFiles(root, rev, CATALOG_PATHS), memory?.options ?? {}),
    );
    const [baseModel, headModel] = [base.model, head.model];
    if (baseModel && headModel) {
      // Loaded only here: the history and the schema comparers (avsc, protobufjs) serve --base alone.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { GitHistory } = require('./history') as typeof History;
      const { checkChangeSafety } = require('./change-safety') as typeof ChangeSafety;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const history = new GitHistory(root, rev);
      timed(phases, 'change safety', () =>
        checkChangeSafety(baseModel, headModel, head.locate, extra, history),
      );
    }
  }
  if (memory) timed(phases, 'caches', () => memory.save());
  const diagnostics = [...head.diagnostics, ...extra.all()];
  const errorCount = head.errorCount + extra.errorCount;
  return {
    ...(head.catalog ? { catalog: head.catalog } : {}),
    diagnostics,
    errorCount,
    ...(head.catalog && errorCount === 0
      ? { summary: timed(phases, 'summary', () => summarize(head.catalog as Catalog)) }
      : {}),
  };
}
