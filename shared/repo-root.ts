// Where the repository is, for modules that run both from their sources (tsx, jest) and compiled
// (dist/ in a checkout, /app in the image). A module's own folder is not enough: compiled, it sits
// one level deeper (dist/reconciler/ for reconciler/), so `__dirname/..` would be dist/. The root
// is the nearest folder above that holds a package.json (dist/ has none; the image's /app has one).
import { existsSync } from 'node:fs';
import path from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

/** The checkout (or the image's /app): platform.yaml, topics/, schemas/, .local/ live here. */
export const REPO_ROOT = findRoot(__dirname);

/** The compiled tree of a checkout (`npm run build`, tsconfig.build.json's outDir). */
const DIST = path.join(REPO_ROOT, 'dist');

/**
 * A module's source folder, for files that sit beside the sources and are not compiled (pom.xml,
 * versions.env): `dirname` itself from the sources, its mirror outside dist/ when compiled.
 */
export function sourceDir(dirname: string): string {
  const rel = path.relative(DIST, dirname);
  return rel.startsWith('..') || path.isAbsolute(rel) ? dirname : path.join(REPO_ROOT, rel);
}

/**
 * node's arguments to start `entry` (a .ts file beside `callerFile`) the way the caller itself
 * runs: compiled (dist/, the image) as its .js sibling, from the sources (jest, tsx) through tsx.
 */
export function siblingEntryArgs(callerFile: string, entry: string): string[] {
  const dir = path.dirname(callerFile);
  return callerFile.endsWith('.js')
    ? [path.join(dir, entry.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', path.join(dir, entry)];
}
