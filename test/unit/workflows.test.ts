// The GitHub workflows are linted with actionlint (built from the Go module proxy and cached).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/catalog-fixture';

const actionlint = (...args: string[]) =>
  spawnSync('bash', [join(REPO_ROOT, 'scripts/tools/actionlint.sh'), '-no-color', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });

describe('GitHub workflows', () => {
  it('has a domain PR workflow and a deploy workflow', () => {
    expect(readdirSync(join(REPO_ROOT, '.github/workflows')).sort()).toEqual([
      'deploy.yml',
      'domain-pr.yml',
    ]);
  });

  it('pass actionlint', () => {
    const r = actionlint('.github/workflows/deploy.yml', '.github/workflows/domain-pr.yml');
    expect(r.stdout + r.stderr).not.toMatch(/\.yml:\d+:\d+:/);
    expect(r.status).toBe(0);
  });

  it('actionlint does catch a broken workflow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-'));
    const file = join(dir, 'broken.yml');
    writeFileSync(
      file,
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n',
    );
    const r = actionlint(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('broken.yml:6:');
  });
});
