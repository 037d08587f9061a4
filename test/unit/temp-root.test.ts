// The test run's temp folder: made once, swept when its run was killed, removed at the end.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTempRoot, ROOT_ENV, useTempRoot } from '../support/temp-root';

describe('temp root of a test run', () => {
  const saved = { root: process.env[ROOT_ENV], tmp: process.env.TMPDIR };
  let base: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'temp-root-'));
    delete process.env[ROOT_ENV];
  });
  afterEach(() => {
    process.env[ROOT_ENV] = saved.root;
    process.env.TMPDIR = saved.tmp;
    rmSync(base, { recursive: true, force: true });
  });

  it('points TMPDIR at a folder of its own, once, and removes it at the end', () => {
    useTempRoot(base);
    const root = process.env[ROOT_ENV] ?? '';
    expect(process.env.TMPDIR).toBe(root);
    expect(root.startsWith(join(base, `streamplane-test-${process.pid}-`))).toBe(true);
    useTempRoot(base);
    expect(process.env.TMPDIR).toBe(root);
    mkdirSync(join(root, 'left-by-a-test'));
    removeTempRoot();
    expect(existsSync(root)).toBe(false);
  });

  it("sweeps a killed run's folder and keeps a live run's", () => {
    // Process 1 (init) is always alive; a process id above the kernel's maximum never is.
    const live = join(base, 'streamplane-test-1-abc');
    const dead = join(base, 'streamplane-test-4194305-abc');
    const other = join(base, 'streamplane-catalog-xyz');
    for (const d of [live, dead, other]) mkdirSync(d);
    useTempRoot(base);
    expect([existsSync(live), existsSync(dead), existsSync(other)]).toEqual([true, false, true]);
    removeTempRoot();
  });
});
