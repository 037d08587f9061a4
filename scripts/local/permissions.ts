// The local stack's state is private to its owner: topic data, SCRAM records, registry data, logs
// and run files. Directories are 0700 and files 0600, for what Node writes (explicit modes), for
// what the JVMs write (spawned under umask 077) and for state left by older versions (fixed on up).
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) owner-only. */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/** Writes a file that only its owner can read, whatever mode an existing file had. */
export function writePrivateFile(file: string, data: string): void {
  fs.writeFileSync(file, data, { mode: FILE_MODE });
  fs.chmodSync(file, FILE_MODE);
}

/**
 * Makes a tree owner-only, wherever a mode lets others in (any part may have been loosened, or
 * left by an older version). One lstat per entry: a few hundred ms for tens of thousands.
 */
export function makePrivate(dir: string): void {
  const fix = (p: string, want: number): void => {
    if ((fs.lstatSync(p).mode & 0o777) !== want) fs.chmodSync(p, want);
  };
  const walk = (d: string): void => {
    fix(d, DIR_MODE);
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) fix(p, FILE_MODE);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
}

/**
 * Spawns under umask 077, so everything the process creates is owner-only. The umask is
 * inherited at fork, inside this synchronous call, and restored right after. Worker threads may
 * not change the process umask: there a shell sets it before exec'ing the command.
 */
export function spawnPrivate(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  let previous: number;
  try {
    previous = process.umask(0o077);
  } catch {
    return spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', command, ...args], options);
  }
  try {
    return spawn(command, args, options);
  } finally {
    process.umask(previous);
  }
}
