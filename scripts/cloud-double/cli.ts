// The Confluent Cloud double, with the local stack's conventions:
//   tsx scripts/cloud-double/cli.ts up [--port N] [--fresh] | down | status | logs [-n LINES]
// `up` brings the double's own local stack up first (its data plane: a Kafka broker and a registry
// under .local/cloud-double/stack), then starts the double detached and waits until it answers.
// Tests and local experiments only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asksForHelp } from '../../shared/cli';
import { StackError, lastLines } from '../local/errors';
import { REPO_ROOT } from '../../shared/repo-root';
import { isAlive } from '../local/proc';
import { siblingEntryArgs } from '../../shared/repo-root';
import {
  DEFAULT_DOUBLE_PORT,
  DOUBLE_STACK_PORTS,
  PORT_ENV,
  PROCESS_TAG,
  cloudApiKey,
  doublePaths,
  runningDouble,
} from './service';
import type { DoublePaths, RunningDouble } from './service';

const USAGE = `Usage: cli.ts <command>
  up [--port N] [--fresh]   start the double (and its Kafka and registry) and wait until it answers
  down                      stop the double and its Kafka and registry
  status                    whether it runs, and where
  logs [-n LINES]           the double's log (method, path, status of each request)`;

export interface DoubleUpOptions {
  readonly port?: number;
  readonly fresh?: boolean;
  readonly log?: (message: string) => void;
  readonly readyTimeoutMs?: number;
}

/** Starts the double unless it runs; returns where it listens. Idempotent. */
export async function doubleUp(options: DoubleUpOptions = {}): Promise<RunningDouble> {
  const log = options.log ?? (() => undefined);
  // The local stack's modules (kafkajs among them) load only when a command needs them.
  const [{ up: localUp }, { isPortFree }] = await Promise.all([
    import('../local/stack'),
    import('../local/ports'),
  ]);
  const paths = doublePaths();
  if (options.fresh) {
    await doubleDown();
    fs.rmSync(path.dirname(paths.stateFile), { recursive: true, force: true });
  }
  await localUp({ root: paths.stackRoot, ports: DOUBLE_STACK_PORTS, log });
  const running = runningDouble(paths);
  if (running) {
    log(`Confluent Cloud double already running on ${running.url}`);
    return running;
  }
  const port = options.port ?? (await portFromEnv());
  if (!(await isPortFree(port))) {
    throw new StackError(
      `Port ${port} (Confluent Cloud double) on 127.0.0.1 is already in use by another program. ` +
        `Free it, or choose another with --port or ${PORT_ENV}.`,
    );
  }
  fs.mkdirSync(path.dirname(paths.stateFile), { recursive: true });
  fs.mkdirSync(path.dirname(paths.pidFile), { recursive: true });
  fs.mkdirSync(path.dirname(paths.logFile), { recursive: true });
  fs.rmSync(paths.addressFile, { force: true });
  if (fs.existsSync(paths.logFile)) fs.renameSync(paths.logFile, `${paths.logFile}.1`);
  const out = fs.openSync(paths.logFile, 'a');
  const child = spawn(
    process.execPath,
    [...siblingEntryArgs(__filename, 'main.ts'), String(port), PROCESS_TAG],
    { cwd: REPO_ROOT, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  if (child.pid === undefined) throw new StackError('could not start the Confluent Cloud double');
  child.unref();
  fs.writeFileSync(paths.pidFile, `${child.pid}\n`);
  log(`Starting the Confluent Cloud double on 127.0.0.1:${port}...`);
  return waitReady(paths, child.pid, options.readyTimeoutMs ?? 30_000);
}

async function waitReady(
  paths: DoublePaths,
  pid: number,
  timeoutMs: number,
): Promise<RunningDouble> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isAlive(pid)) throw new StackError(notReady(paths, 'exited during start-up'));
    const running = runningDouble(paths);
    if (running && (await answers(running.url, paths))) return running;
    if (Date.now() > deadline) {
      throw new StackError(notReady(paths, `was not ready after ${timeoutMs / 1000} s`));
    }
    await sleep(200);
  }
}

async function answers(url: string, paths: DoublePaths): Promise<boolean> {
  try {
    const { key, secret } = cloudApiKey(paths);
    const auth = Buffer.from(`${key}:${secret}`);
    const res = await fetch(`${url}/org/v2/organizations`, {
      headers: { authorization: `Basic ${auth.toString('base64')}` },
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

function notReady(paths: DoublePaths, what: string): string {
  let tail = '(no log output)';
  try {
    tail = lastLines(fs.readFileSync(paths.logFile, 'utf8'), 20);
  } catch {
    // Keep the placeholder.
  }
  return `The Confluent Cloud double ${what}. Last lines of ${paths.logFile}:\n${tail}`;
}

/** Stops the double if it runs; true when it did. */
export async function doubleDown(): Promise<boolean> {
  const paths = doublePaths();
  const running = runningDouble(paths);
  if (running) {
    process.kill(running.pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isAlive(running.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(running.pid)) process.kill(running.pid, 'SIGKILL');
  }
  fs.rmSync(paths.pidFile, { force: true });
  fs.rmSync(paths.addressFile, { force: true });
  const { down: localDown } = await import('../local/stack');
  const stopped = await localDown({ root: paths.stackRoot });
  return running !== undefined || stopped.length > 0;
}

async function portFromEnv(): Promise<number> {
  const raw = process.env[PORT_ENV];
  if (raw === undefined) return DEFAULT_DOUBLE_PORT;
  const { parsePort } = await import('../local/ports');
  return parsePort(raw, PORT_ENV);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (asksForHelp(argv)) {
    console.log(USAGE);
    return;
  }
  if ((command === 'down' || command === 'status') && args.length > 0)
    throw new StackError(`Unknown option ${args[0]}.\n${USAGE}`);
  switch (command) {
    case 'up': {
      const { parsePort } = await import('../local/ports');
      let port: number | undefined;
      let fresh = false;
      for (let i = 0; i < args.length; i++) {
        if (args[i] === '--fresh') fresh = true;
        else if (args[i] === '--port') port = parsePort(args[++i] ?? '', '--port');
        else throw new StackError(`Unknown option ${args[i] ?? ''}.\n${USAGE}`);
      }
      const d = await doubleUp({ ...(port ? { port } : {}), fresh, log: (m) => console.log(m) });
      console.log(`Confluent Cloud double: ${d.url} (pid ${d.pid})`);
      console.log(`Cloud API key: ${doublePaths().credentialsFile} (never printed)`);
      return;
    }
    case 'down':
      console.log(
        (await doubleDown()) ? 'Stopped the Confluent Cloud double.' : 'It was not running.',
      );
      return;
    case 'status': {
      const d = runningDouble();
      console.log(d ? `running on ${d.url} (pid ${d.pid})` : 'stopped');
      if (!d) process.exitCode = 1;
      return;
    }
    case 'logs': {
      const file = doublePaths().logFile;
      const n = args[0] === '-n' ? Number(args[1]) : 100;
      if (!fs.existsSync(file)) throw new StackError(`No log yet at ${file}: run \`up\` first.`);
      console.log(lastLines(fs.readFileSync(file, 'utf8'), n));
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof StackError ? `error: ${err.message}` : err);
    process.exitCode = process.exitCode || 1;
  });
}
