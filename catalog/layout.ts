// The folder of a catalog's domain files, and what their names alone tell.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const TOPICS_DIR = 'topics';

/**
 * The domains of the catalog at `root` as its domain files' names say (`topics/<domain>.yaml`:
 * rules/domains.ts refuses a catalog whose file and domain differ), read without loading it.
 * A guess, for work that starts before the catalog loads and is checked against it after (the
 * reconciler's read ahead); never a substitute for the loaded catalog.
 */
export function domainsByFileName(root: string): string[] {
  try {
    return readdirSync(join(root, TOPICS_DIR))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => name.replace(/\.ya?ml$/, ''));
  } catch {
    return []; // no folder (yet): nothing to guess
  }
}
