// Earlier versions of a schema file, for the *_TRANSITIVE levels: every version the file had in
// the git history of the base revision. One `git log` per file lists the commits that changed
// it; one `git cat-file --batch` reads the file and the files it references at all of them.
import { execFileSync } from 'node:child_process';
import type { SchemaFile } from './model';
import { closureOf } from './schemas/compat/closure';
import type { EarlierVersion, SchemaFiles } from './schemas/compatibility';

export interface SchemaHistory {
  /** Versions before `schema` (which is the base's), newest first, without repeats. */
  earlier(schema: SchemaFile, files: SchemaFiles): EarlierVersion[];
}

/** How many versions of one file are read at most (the newest ones). */
export const MAX_VERSIONS = 1000;

export class GitHistory implements SchemaHistory {
  constructor(
    readonly repo: string,
    readonly rev: string,
    private readonly limit = MAX_VERSIONS,
  ) {}

  earlier(schema: SchemaFile, files: SchemaFiles): EarlierVersion[] {
    // Commits that changed the schema or anything it references: each is a version producers used.
    const closure = closureOf(schema, files).filter((p) => p !== schema.path);
    const commits = this.git([
      'log',
      `-n${this.limit}`,
      '--format=%H',
      this.rev,
      '--',
      schema.path,
      ...closure,
    ])
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    if (commits.length === 0) return [];
    const paths = [schema.path, ...closure];
    const requests = commits.flatMap((c) => paths.map((p) => `${c}:${p}`));
    const blobs = readBlobs(
      this.git(['cat-file', '--batch'], requests.join('\n') + '\n'),
      requests.length,
    );
    const out: EarlierVersion[] = [];
    const seen = new Set<string>();
    commits.forEach((commit, i) => {
      const text = blobs[i * paths.length];
      if (text === undefined) return;
      const version = new Map(files);
      closure.forEach((p, j) => {
        const t = blobs[i * paths.length + 1 + j];
        const current = files.get(p);
        if (t !== undefined && current) version.set(p, { ...current, text: t });
      });
      const key = [text, ...closure.map((p) => version.get(p)?.text ?? '')].join('\0');
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ label: commit.slice(0, 7), schema: { ...schema, text }, files: version });
    });
    return out;
  }

  private git(args: string[], input?: string): Buffer {
    return execFileSync('git', ['-C', this.repo, ...args], {
      input,
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
  }
}

/** Splits `cat-file --batch` output: "<oid> <type> <size>\n<bytes>\n", or "<name> missing\n". */
function readBlobs(out: Buffer, count: number): (string | undefined)[] {
  const texts: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < count && at < out.length; i++) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString('utf8').split(' ');
    if (header.length < 3 || header[1] !== 'blob') {
      texts.push(undefined);
      at = nl + 1;
      continue;
    }
    const size = Number(header[2]);
    texts.push(out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return texts;
}
