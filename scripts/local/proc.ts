import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Service, StackPaths } from './paths';
import { FILE_MODE, privateDir, spawnPrivate, writePrivateFile } from './permissions';

/** JVM flag that tags our processes, so a recycled pid is never mistaken for (or killed as) ours. */
export function serviceTag(service: Service): string {
  return `-Dstreamplane.service=${service}`;
}

/** True while the process runs; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isOurs(pid: number, service: Service): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(serviceTag(service));
  } catch {
    // No /proc (macOS): trust the pid file if the process is alive.
    return process.platform !== 'linux' && isAlive(pid);
  }
}

/** The pid of the service if it is running from this stack's pid file, else undefined. */
export function runningPid(paths: StackPaths, service: Service): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(paths.pidFile(service), 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && isOurs(pid, service) ? pid : undefined;
}

/**
 * Starts a service in its own process group with output appended to its log, detached so it
 * outlives the CLI, under umask 077 (its data is owner-only). The previous log is kept as
 * `<service>.log.1`.
 */
export function spawnService(
  paths: StackPaths,
  service: Service,
  args: string[],
  cwd: string,
): number {
  privateDir(paths.runDir);
  privateDir(paths.logsDir);
  const logFile = paths.logFile(service);
  if (fs.existsSync(logFile)) fs.renameSync(logFile, `${logFile}.1`);
  const out = fs.openSync(logFile, 'a', FILE_MODE);
  try {
    const child = spawnPrivate('java', args, { cwd, detached: true, stdio: ['ignore', out, out] });
    if (child.pid === undefined) throw new Error(`could not start java for ${service}`);
    child.unref();
    writePrivateFile(paths.pidFile(service), `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

/** SIGTERM for a graceful shutdown, SIGKILL if it takes longer than `graceMs`. */
export async function stopService(
  paths: StackPaths,
  service: Service,
  graceMs = 30_000,
): Promise<boolean> {
  const pid = runningPid(paths, service);
  if (pid !== undefined) {
    signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) {
      signal(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(50);
    }
  }
  fs.rmSync(paths.pidFile(service), { force: true });
  return pid !== undefined;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Resident memory in bytes (Linux /proc), or undefined where unavailable. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(path.join('/proc', String(pid), 'status'), 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
