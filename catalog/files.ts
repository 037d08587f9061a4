// Where catalog files come from: the working tree, or a git revision (for the PR check).
// The loader only sees this interface, so both go through the very same parser and rules.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

export interface CatalogFiles {
  /** A label for messages: the directory, or "<rev>". */
  readonly label: string;
  /** Every file below these relative folders/files, as relative paths with forward slashes. */
  list(prefixes: readonly string[]): string[];
  /** File contents, or undefined when the file does not exist. */
  read(path: string): string | undefined;
}

export class DiskFiles implements CatalogFiles {
  constructor(readonly root: string) {}

  get label(): string {
    return this.root;
  }

  list(prefixes: readonly string[]): string[] {
    const out: string[] = [];
    // Directory entries carry their type: no stat per file (10,000 schemas in a big catalog).
    const walk = (rel: string, isDirectory: boolean): void => {
      if (!isDirectory) {
        out.push(rel);
        return;
      }
      const entries = readdirSync(join(this.root, rel), { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const kind = e.isSymbolicLink() ? this.kind(`${rel}/${e.name}`) : e;
        if (kind?.isDirectory()) walk(`${rel}/${e.name}`, true);
        else if (kind?.isFile()) walk(`${rel}/${e.name}`, false);
      }
    };
    for (const p of prefixes) {
      const kind = this.kind(p);
      if (kind?.isDirectory() || kind?.isFile()) walk(p.split(sep).join('/'), kind.isDirectory());
    }
    return out;
  }

  /** What a path is, following links; undefined when it does not exist. */
  private kind(rel: string): { isDirectory(): boolean; isFile(): boolean } | undefined {
    try {
      return statSync(join(this.root, rel));
    } catch {
      return undefined;
    }
  }

  read(path: string): string | undefined {
    try {
      return readFileSync(join(this.root, path), 'utf8');
    } catch {
      return undefined;
    }
  }
}

/** All catalog files of one git revision, read with two git calls whatever their number. */
export class GitFiles implements CatalogFiles {
  private readonly contents = new Map<string, string>();

  constructor(
    readonly repo: string,
    readonly rev: string,
    prefixes: readonly string[],
  ) {
    const git = (args: string[], input?: string): Buffer =>
      execFileSync('git', ['-C', repo, ...args], {
        input,
        maxBuffer: 1 << 30,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    const names = git(['ls-tree', '-r', '-z', '--name-only', rev, '--', ...prefixes])
      .toString('utf8')
      .split('\0')
      .filter(Boolean);
    if (names.length === 0) return;
    // `cat-file --batch` answers "<oid> <type> <size>\n<bytes>\n" per requested object.
    const out = git(['cat-file', '--batch'], names.map((n) => `${rev}:${n}`).join('\n') + '\n');
    let at = 0;
    for (const name of names) {
      const nl = out.indexOf(10, at);
      const header = out.subarray(at, nl).toString('utf8').split(' ');
      const size = Number(header[2]);
      this.contents.set(name, out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
      at = nl + 1 + size + 1;
    }
  }

  get label(): string {
    return this.rev;
  }

  list(prefixes: readonly string[]): string[] {
    return [...this.contents.keys()]
      .filter((n) => prefixes.some((p) => n === p || n.startsWith(p.endsWith('/') ? p : p + '/')))
      .sort();
  }

  read(path: string): string | undefined {
    return this.contents.get(path);
  }
}

/** Resolves a git revision, or explains why it cannot. */
export function resolveRevision(repo: string, rev: string): string | undefined {
  try {
    return execFileSync(
      'git',
      ['-C', repo, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    )
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}
