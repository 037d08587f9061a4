// `bin/streamplane` runs package.json's commands without npm: each `a:b` script answers as
// `streamplane a b`, with the arguments after it passed on, exactly as the launcher would get them.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/repo-root';

interface Answer {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[]): Promise<Answer> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, file), ...args],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, STREAMPLANE_KAFKA_PORT: '1', STREAMPLANE_REGISTRY_PORT: '1' },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// Whole processes on a shared machine: a few seconds each under load, more than jest's 5 s default.
jest.setTimeout(60_000);

const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

test('package.json installs it as the streamplane command', () => {
  expect(scripts.bin).toEqual({ streamplane: 'bin/streamplane' });
});

test('its usage lists every command the launcher runs, written with spaces', async () => {
  const a = await run('bin/streamplane', ['--help']);
  expect(a).toMatchObject({ code: 0, stderr: '' });
  const launched = Object.entries(scripts.scripts)
    .filter(([, line]) => line.startsWith('node scripts/run.cjs '))
    .map(([name]) => name.replace(':', ' '));
  const listed = a.stdout
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.trim());
  expect(listed.sort()).toEqual(launched.sort());
});

test.each([
  [
    ['local', 'status', '--help'],
    ['scripts/local/cli.ts', 'status', '--help'],
  ],
  [
    ['plan', '--help'],
    ['reconciler/cli.ts', 'plan', '--help'],
  ],
  [
    ['validate', '--bogus-flag'],
    ['catalog/cli.ts', 'validate', '--bogus-flag'],
  ],
])('streamplane %j answers as the launcher does', async (viaBin, viaLauncher) => {
  const [bin, launcher] = await Promise.all([
    run('bin/streamplane', viaBin),
    run('scripts/run.cjs', viaLauncher),
  ]);
  expect(bin).toEqual(launcher);
  expect(bin.stdout + bin.stderr).not.toBe('');
});

test('an unknown command exits 2 and says which', async () => {
  const a = await run('bin/streamplane', ['nope']);
  expect(a.code).toBe(2);
  expect(a.stderr).toMatch(/^streamplane: unknown command 'nope'/);
});
