// clientapp/generated/ must be what `npm run gen:types` produces from the catalog today. The
// generator runs in a child process: Prettier 3 loads its plugins with dynamic import(), which
// Jest's module sandbox does not allow.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../../shared/repo-root';

const GENERATED_DIR = path.join(REPO_ROOT, 'clientapp', 'generated');

function tree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.posix.join(prefix, e.name);
    if (e.isDirectory()) for (const [k, v] of tree(dir, rel)) out.set(k, v);
    else out.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

describe('generated client types', () => {
  it('are current: regenerating into a temp dir gives the committed files', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-gen-'));
    try {
      execFileSync(
        path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
        ['scripts/gen-types.ts', '--out', tmp],
        { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const fresh = tree(tmp);
      const committed = tree(GENERATED_DIR);
      expect([...committed.keys()]).toEqual([...fresh.keys()]);
      for (const [file, text] of fresh) {
        // One file at a time, so a failure names it; the fix is always `npm run gen:types`.
        expect({ file, text: committed.get(file) }).toEqual({ file, text });
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
