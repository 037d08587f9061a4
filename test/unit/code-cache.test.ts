// The launcher's V8 code cache (scripts/code-cache.cjs) never runs stale code: a module whose
// text changed runs its new text, even when its length (all V8 itself checks) is the same. Each
// run is a whole process, as the launcher runs commands.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/repo-root';

const dir = mkdtempSync(join(tmpdir(), 'streamplane-code-cache-'));
const cacheFile = join(dir, 'cache', 'main.v8');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(): { stdout: string; stderr: string; status: number | null } {
  const installer = JSON.stringify(join(REPO_ROOT, 'scripts', 'code-cache.cjs'));
  const script =
    `require(${installer}).install(${JSON.stringify(cacheFile)});` +
    `require(${JSON.stringify(join(dir, 'main.js'))});`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: dir });
}

test('a cached module whose text changed runs its new text; an unchanged run keeps the file', () => {
  writeFileSync(
    join(dir, 'main.js'),
    `#!/usr/bin/env node\nconst { word } = require('./word');\nconsole.log(word(), typeof require.resolve);\n`,
  );
  writeFileSync(join(dir, 'word.js'), `exports.word = () => 'alpha';\n`);
  const first = run();
  expect(first.stderr).toBe('');
  expect(first.stdout).toBe('alpha function\n');
  const written = statSync(cacheFile).mtimeMs;
  expect(readFileSync(cacheFile).length).toBeGreaterThan(0);

  // Every module known: the cache is used and not written again.
  expect(run().stdout).toBe('alpha function\n');
  expect(statSync(cacheFile).mtimeMs).toBe(written);

  // Same length, other text: the cached code must not run.
  writeFileSync(join(dir, 'word.js'), `exports.word = () => 'omega';\n`);
  const changed = run();
  expect(changed.stderr).toBe('');
  expect(changed.stdout).toBe('omega function\n');
  expect(run().stdout).toBe('omega function\n');
});

test('a cache file that is not one is ignored, and replaced', () => {
  writeFileSync(cacheFile, 'not a cache');
  expect(run().stdout).toBe('omega function\n');
  expect(readFileSync(cacheFile, 'utf8')).not.toBe('not a cache');
  expect(run().stdout).toBe('omega function\n');
});
