// A throw-away copy of the sample catalog with some files replaced, for rule tests.
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../shared/repo-root';

/** Copies platform.yaml, topics/ and schemas/ (and CODEOWNERS) to a temp dir, then applies `files`. */
export function catalogFixture(files: Record<string, string | null> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'streamplane-catalog-'));
  for (const p of ['platform.yaml', 'topics', 'schemas', '.github/CODEOWNERS']) {
    cpSync(join(REPO_ROOT, p), join(root, p), { recursive: true });
  }
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, path);
    if (text === null) rmSync(abs, { force: true, recursive: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  return root;
}

/** Joins lines, so fixtures read as files and line numbers are easy to count. */
export const lines = (...l: string[]): string => l.join('\n') + '\n';
