// Every temp file a test run makes goes under one folder of its own, removed when the run ends:
// the global setup points TMPDIR (which os.tmpdir() reads on each call, and which jest's workers
// and every process a test starts inherit) at it. A test that forgets its own clean-up leaves
// nothing behind after the run, and a run that was killed is swept by the next one.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'streamplane-test-';
const KEY = '__streamplaneTempRoot';

/** This run's temp folder, as every process of the run sees it. */
export const ROOT_ENV = 'STREAMPLANE_TEST_TMPDIR';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Creates this run's temp folder and points TMPDIR at it (once per run, whatever the projects). */
export function useTempRoot(base: string = tmpdir()): void {
  if (process.env[ROOT_ENV] !== undefined) return;
  // A run that was killed left its folder; its process id, in the name, is gone.
  for (const name of readdirSync(base)) {
    const pid = Number(/^streamplane-test-(\d+)-/.exec(name)?.[1]);
    if (pid > 0 && pid !== process.pid && !isAlive(pid)) {
      rmSync(join(base, name), { recursive: true, force: true });
    }
  }
  const root = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  (globalThis as Record<string, unknown>)[KEY] = root;
  process.env[ROOT_ENV] = root;
  process.env.TMPDIR = root;
}

/** Removes this run's temp folder (only from the process that made it). */
export function removeTempRoot(): void {
  const root = (globalThis as Record<string, unknown>)[KEY];
  if (typeof root !== 'string') return;
  rmSync(root, { recursive: true, force: true });
  delete (globalThis as Record<string, unknown>)[KEY];
}

export default (): void => useTempRoot();
