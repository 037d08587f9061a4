// Where catalog files come from: the working tree, or a git revision (for the PR check).
// The loader only sees this interface, so both go through the very same parser and rules.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

export interface CatalogFiles {
  /** A label for messages: the directory, or "<rev>". */
  readonly label: string;
  /** Every file below these relative folders/files, as relative paths with forward slashes. */
  list(prefixes: readonly string[]): string[];
  /** File contents, or undefined when the file does not exist. */
  read(path: string): string | undefined;
  /** The file's bytes, undecoded (the loader checks size and encoding before parsing). */
  bytes(path: string): Buffer | undefined;
  /**
   * Where a listed path really is, when it is a symbolic link (or lies below one) that leads out
   * of the folder it must stay in (see `linkFolder`); undefined when it stays inside.
   */
  escapes(path: string): string | undefined;
}

/**
 * The folder a catalog path must not leave through a symbolic link: a domain's schema folder for
 * its schemas, topics/ for domain files, the catalog root for anything else.
 */
export function linkFolder(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'schemas' && parts.length > 2) return `schemas/${parts[1]}`;
  if (parts[0] === 'topics' && parts.length > 1) return 'topics';
  return '.';
}

export class DiskFiles implements CatalogFiles {
  /** Listed paths that are (or lie below) a link leaving their folder, with the link's target. */
  private readonly outside = new Map<string, string>();

  constructor(readonly root: string) {}

  get label(): string {
    return this.root;
  }

  /**
   * Files below `prefixes`, plus directories that are empty (with a trailing "/") and links
   * that leave their folder (not followed; see `escapes`). Directories reached twice through
   * links are walked once, so a link to an ancestor cannot loop.
   */
  list(prefixes: readonly string[]): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    // Directory entries carry their type: no stat per file (10,000 schemas in a big catalog).
    const walk = (rel: string, isDirectory: boolean, linked: boolean): void => {
      if (linked) {
        const target = this.leaves(rel);
        if (target !== undefined) {
          this.outside.set(rel, target);
          out.push(rel);
          return;
        }
      }
      if (!isDirectory) {
        out.push(rel);
        return;
      }
      const real = this.real(rel);
      if (real === undefined || seen.has(real)) return;
      seen.add(real);
      let entries;
      try {
        entries = readdirSync(join(this.root, rel), { withFileTypes: true });
      } catch {
        return;
      }
      if (entries.length === 0 && rel.includes('/')) out.push(`${rel}/`);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const link = e.isSymbolicLink();
        const kind = link ? this.kind(`${rel}/${e.name}`) : e;
        if (link && !kind) {
          // A dangling link: named as found, so the loader can say which file is missing.
          out.push(`${rel}/${e.name}`);
          continue;
        }
        if (kind?.isDirectory()) walk(`${rel}/${e.name}`, true, linked || link);
        else if (kind?.isFile()) walk(`${rel}/${e.name}`, false, linked || link);
      }
    };
    for (const p of prefixes) {
      const kind = this.kind(p);
      if (kind?.isDirectory() || kind?.isFile())
        walk(p.split(sep).join('/'), kind.isDirectory(), this.isLink(p));
    }
    return out;
  }

  escapes(path: string): string | undefined {
    if (this.outside.size === 0) return undefined; // no link leaves its folder: nothing to walk
    for (let p = path; p !== '.' && p !== ''; p = posix.dirname(p)) {
      const target = this.outside.get(p);
      if (target !== undefined) return target;
    }
    return undefined;
  }

  /** The real path of a linked entry when it is outside its folder (see linkFolder). */
  private leaves(rel: string): string | undefined {
    const real = this.real(rel);
    const folder = this.real(linkFolder(rel));
    const root = this.real('.');
    if (real === undefined || folder === undefined || root === undefined) return rel;
    const inside = (dir: string): boolean => {
      const r = relative(dir, real);
      return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && !/^[A-Za-z]:/.test(r));
    };
    if (inside(folder) && inside(root)) return undefined;
    return real;
  }

  private real(rel: string): string | undefined {
    try {
      return realpathSync(join(this.root, rel));
    } catch {
      return undefined;
    }
  }

  private isLink(rel: string): boolean {
    try {
      return lstatSync(join(this.root, rel)).isSymbolicLink();
    } catch {
      return false;
    }
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
    return this.bytes(path)?.toString('utf8');
  }

  bytes(path: string): Buffer | undefined {
    if (this.outside.has(path)) return undefined;
    try {
      return readFileSync(join(this.root, path));
    } catch {
      return undefined;
    }
  }
}

/**
 * The working tree, noting every answer it gives (listings, contents, links leaving their folder).
 * `unchanged()` asks the disk the same questions again: when every answer is the same, whatever
 * was made of these files still holds (the loader is a function of its files' answers). For a
 * process that loads the same catalog again and again, as the reconciler's service does before
 * every pass; `questions()` gives the same as data, for a later process (catalog/snapshot.ts).
 */
export class NotedDiskFiles extends DiskFiles {
  private readonly asked: Asked[] = [];

  override list(prefixes: readonly string[]): string[] {
    const answer = super.list(prefixes);
    this.asked.push({ list: [...prefixes], answer: [...answer] });
    return answer;
  }

  /** read() comes here too. */
  override bytes(path: string): Buffer | undefined {
    const answer = super.bytes(path);
    this.asked.push({ bytes: path, answer });
    return answer;
  }

  override escapes(path: string): string | undefined {
    const answer = super.escapes(path);
    this.asked.push({ escapes: path, answer });
    return answer;
  }

  /** Whether the disk answers every question asked so far as it did then. */
  unchanged(): boolean {
    return answeredAgain(this.root, this.asked, (now, q) =>
      now === undefined || q.answer === undefined ? now === q.answer : now.equals(q.answer),
    );
  }

  /** The questions asked so far with their answers, contents as digests. */
  questions(): Question[] {
    return this.asked.map((q) =>
      isRead(q) ? { bytes: q.bytes, digest: digestOf(q.answer) } : { ...q },
    );
  }
}

type Listed = { readonly list: readonly string[]; readonly answer: readonly string[] };
type Escaped = { readonly escapes: string; readonly answer: string | undefined };
type Asked = Listed | Escaped | { readonly bytes: string; readonly answer: Buffer | undefined };

/** A question the loader asked of its files and the answer it got, as plain data. */
export type Question =
  Listed | Escaped | { readonly bytes: string; readonly digest: string | null };

/** Whether the working tree at `root` answers every question as it did (see NotedDiskFiles). */
export function answersAgain(root: string, questions: readonly Question[]): boolean {
  return answeredAgain(root, questions, (now, q) => digestOf(now) === q.digest);
}

/** Asks every question again; a file's contents are compared by `sameBytes`. */
function answeredAgain<R extends { readonly bytes: string }>(
  root: string,
  questions: readonly (Listed | Escaped | R)[],
  sameBytes: (now: Buffer | undefined, q: R) => boolean,
): boolean {
  const again = new DiskFiles(root);
  return questions.every((q) => {
    if (isListed(q)) return sameList(again.list(q.list), q.answer);
    if (isEscaped(q)) return again.escapes(q.escapes) === q.answer;
    return sameBytes(again.bytes(q.bytes), q);
  });
}

const isListed = (q: object): q is Listed => 'list' in q;
const isEscaped = (q: object): q is Escaped => 'escapes' in q;
const isRead = <R extends object>(q: Listed | Escaped | R): q is R => !isListed(q) && !isEscaped(q);

function sameList(now: readonly string[], then: readonly string[]): boolean {
  return now.length === then.length && now.every((p, i) => p === then[i]);
}

function digestOf(bytes: Buffer | undefined): string | null {
  return bytes === undefined ? null : createHash('sha1').update(bytes).digest('base64url');
}

/** All catalog files of one git revision, read with two git calls whatever their number. */
export class GitFiles implements CatalogFiles {
  private readonly contents = new Map<string, Buffer>();
  private readonly outside = new Map<string, string>();

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
    // "<mode> <type> <oid>\t<name>": mode 120000 is a symbolic link, its blob the target.
    const entries = git(['ls-tree', '-r', '-z', rev, '--', ...prefixes])
      .toString('utf8')
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        return { link: line.startsWith('120000 '), name: line.slice(tab + 1) };
      });
    if (entries.length === 0) return;
    const names = entries.map((e) => e.name);
    // `cat-file --batch` answers "<oid> <type> <size>\n<bytes>\n" per requested object.
    const out = git(['cat-file', '--batch'], names.map((n) => `${rev}:${n}`).join('\n') + '\n');
    let at = 0;
    const links: { name: string; target: string }[] = [];
    for (const { name, link } of entries) {
      const nl = out.indexOf(10, at);
      const header = out.subarray(at, nl).toString('utf8').split(' ');
      const size = Number(header[2]);
      const bytes = out.subarray(nl + 1, nl + 1 + size);
      if (link) links.push({ name, target: bytes.toString('utf8') });
      else this.contents.set(name, bytes);
      at = nl + 1 + size + 1;
    }
    for (const { name, target } of links) {
      const resolved = posix.normalize(posix.join(posix.dirname(name), target));
      const folder = linkFolder(name);
      const inside =
        !posix.isAbsolute(target) &&
        (folder === '.' ? !resolved.startsWith('../') : resolved.startsWith(`${folder}/`));
      const bytes = this.contents.get(resolved);
      if (!inside) this.outside.set(name, target);
      if (!inside || bytes) this.contents.set(name, bytes ?? Buffer.alloc(0));
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
    return this.contents.get(path)?.toString('utf8');
  }

  bytes(path: string): Buffer | undefined {
    return this.outside.has(path) ? undefined : this.contents.get(path);
  }

  escapes(path: string): string | undefined {
    return this.outside.get(path);
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
