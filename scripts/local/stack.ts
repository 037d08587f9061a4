import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pinnedVersions, ensureArtifacts } from './artifacts';
import type { Artifacts, Versions } from './artifacts';
import {
  ADMIN_USER,
  RECONCILER_USER,
  SASL_MECHANISM,
  passwordOf,
  readCredentials,
  readCredentialsIfPresent,
  saslFor,
  removedUsers,
  withUsers,
  withoutUsers,
  writeCredentials,
} from './credentials';
import type { Credentials } from './credentials';
import { addressBookFile, addressesFor } from '../../shared/local-stack';
import { StackError, lastLines } from './errors';
import { kafkaHealthy, registryHealthy } from './health';
import { withLock } from './lock';
import { LOG4J_PROPERTIES, serverProperties } from './kafka-config';
import { formatStorage, removeUsers, upsertUsers } from './kafka-tool';
import type { UserSecret } from './kafka-tool';
import { SERVICES, stackPaths } from './paths';
import { makePrivate, privateDir, writePrivateFile } from './permissions';
import type { Service, StackPaths } from './paths';
import { DEFAULT_PORTS, assertPortsFree, isPortFree, resolvePorts } from './ports';
import type { Ports } from './ports';
import { checkJava } from './prereqs';
import { principalName } from './principals';
import type { AppPrincipal } from './principals';
import { rssBytes, runningPid, serviceTag, spawnService, stopService } from './proc';
import { CCOMPAT_PATH, registrySystemProperties, setGlobalCompatibility } from './registry-config';

export { readCredentials, saslFor, ADMIN_USER, RECONCILER_USER };
export type { AppPrincipal, Credentials, Ports, Service };

export interface UpOptions {
  /** Catalog apps; each gets a SCRAM principal `<domain>.<app>`. */
  principals?: readonly AppPrincipal[];
  /**
   * User names the catalog owns (principals.ts LocalUsers): one that is no app's any more (the
   * app left the catalog) has its SCRAM user and password removed. None by default.
   */
  ownedUsers?: (name: string) => boolean;
  /** Stop everything and wipe the state directory first. */
  fresh?: boolean;
  ports?: Partial<Ports>;
  /** State directory; `.local/` of the repo by default (tests use a temp dir). */
  root?: string;
  services?: readonly Service[];
  /** Aborting stops whatever this call started (Ctrl-C). */
  signal?: AbortSignal;
  log?: (message: string) => void;
  readyTimeoutMs?: number;
  /** Kafka's maximum heap in MiB (512 by default; benchmarks with many thousand topics need more). */
  kafkaHeapMb?: number;
}

export interface LocalStackInfo {
  /** Kafka bootstrap address (SASL_PLAINTEXT, SCRAM-SHA-512). */
  bootstrap: string;
  /** Base URL of the Confluent-compatible schema registry API. */
  registryUrl: string;
  credentialsFile: string;
  saslMechanism: typeof SASL_MECHANISM;
  adminUser: string;
  reconcilerUser: string;
  ports: Ports;
  root: string;
  pids: Partial<Record<Service, number>>;
  /** Services this call started (empty when everything was already running). */
  started: Service[];
  logs: Record<Service, string>;
  versions: Versions;
  /** Milliseconds from this call's start until each started service was ready. */
  readyMs: Partial<Record<Service, number>>;
}

interface State {
  ports: Ports;
}

function readState(paths: StackPaths): State | undefined {
  try {
    return JSON.parse(fs.readFileSync(paths.stateFile, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

function readProvisioned(paths: StackPaths): Set<string> {
  try {
    return new Set(JSON.parse(fs.readFileSync(paths.provisionedFile, 'utf8')) as string[]);
  } catch {
    return new Set();
  }
}

function writeProvisioned(paths: StackPaths, names: Iterable<string>): void {
  writePrivateFile(paths.provisionedFile, `${JSON.stringify([...new Set(names)].sort())}\n`);
}

/** What the services read to find this stack (shared/local-stack.ts). */
function writeAddressBook(paths: StackPaths, ports: Ports): void {
  const book = addressesFor(paths.root, ports);
  writePrivateFile(addressBookFile(paths.root), `${JSON.stringify(book, null, 2)}\n`);
}

function isFormatted(paths: StackPaths): boolean {
  return fs.existsSync(path.join(paths.kafkaData, 'meta.properties'));
}

function serverUrl(ports: Ports): string {
  return `http://127.0.0.1:${ports.registry}`;
}

function stackInfo(
  paths: StackPaths,
  ports: Ports,
  started: Service[],
  versions: Versions,
): LocalStackInfo {
  const pids: Partial<Record<Service, number>> = {};
  for (const s of SERVICES) {
    const pid = runningPid(paths, s);
    if (pid !== undefined) pids[s] = pid;
  }
  return {
    bootstrap: `127.0.0.1:${ports.kafka}`,
    registryUrl: `${serverUrl(ports)}${CCOMPAT_PATH}`,
    credentialsFile: paths.credentialsFile,
    saslMechanism: SASL_MECHANISM,
    adminUser: ADMIN_USER,
    reconcilerUser: RECONCILER_USER,
    ports,
    root: paths.root,
    pids,
    started,
    logs: { kafka: paths.logFile('kafka'), registry: paths.logFile('registry') },
    versions,
    readyMs: {},
  };
}

function kafkaArgs(paths: StackPaths, artifacts: Artifacts, heapMb: number): string[] {
  return [
    serviceTag('kafka'),
    '-Xms256m',
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${paths.log4jConfig}`,
    `-Dkafka.logs.dir=${paths.logsDir}`,
    '-cp',
    artifacts.kafkaClasspath,
    'kafka.Kafka',
    paths.kafkaConfig,
  ];
}

function registryArgs(paths: StackPaths, ports: Ports, artifacts: Artifacts): string[] {
  const props = Object.entries(
    registrySystemProperties(ports.registry, path.join(paths.registryDir, 'data')),
  ).map(([k, v]) => `-D${k}=${String(v)}`);
  return [
    serviceTag('registry'),
    '-Xms64m',
    '-Xmx256m',
    '-XX:+UseSerialGC',
    // C1 only: a local registry serves a handful of requests, so peak JIT performance buys
    // nothing, while C2's compilation slows start-up and adds memory on a small machine.
    '-XX:TieredStopAtLevel=1',
    '-XX:+ExitOnOutOfMemoryError',
    ...props,
    '-jar',
    artifacts.registryJar,
  ];
}

/** Polls `healthy` until it passes; fails fast if the process dies, times out, or is aborted. */
async function waitReady(
  paths: StackPaths,
  service: Service,
  healthy: () => Promise<boolean>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal.aborted)
      throw new StackError(
        'Interrupted before the stack was ready; stopped what this run started.',
      );
    if (runningPid(paths, service) === undefined) {
      throw new StackError(notReady(paths, service, 'exited during start-up'));
    }
    if (await healthy()) return;
    if (Date.now() > deadline) {
      throw new StackError(notReady(paths, service, `was not ready after ${timeoutMs / 1000} s`));
    }
    await sleep(250);
  }
}

function notReady(paths: StackPaths, service: Service, what: string): string {
  const name = service === 'kafka' ? 'The Kafka broker' : 'The schema registry';
  const logFile = paths.logFile(service);
  let tail = '(no log output)';
  try {
    tail = lastLines(fs.readFileSync(logFile, 'utf8'), 20);
  } catch {
    // Keep the placeholder.
  }
  return `${name} ${what}. Last lines of ${logFile}:\n${tail}`;
}

function usersWithSecrets(creds: Credentials, names: readonly string[]): UserSecret[] {
  return names.map((n) => [n, passwordOf(creds, n)] as const);
}

/** `--fresh`: everything under the root goes, except the lock this process holds. */
function wipeState(paths: StackPaths): void {
  for (const entry of fs.readdirSync(paths.root)) {
    if (entry !== path.basename(paths.runDir)) {
      fs.rmSync(path.join(paths.root, entry), { recursive: true, force: true });
    }
  }
  for (const entry of fs.readdirSync(paths.runDir)) {
    const file = path.join(paths.runDir, entry);
    if (file !== paths.lockFile) fs.rmSync(file, { recursive: true, force: true });
  }
}

/** Writes the broker config, formats storage on first start (with every SCRAM user), spawns. */
async function startKafka(
  paths: StackPaths,
  ports: Ports,
  creds: Credentials,
  userNames: readonly string[],
  artifacts: Artifacts,
  log: (message: string) => void,
  heapMb: number,
): Promise<void> {
  privateDir(paths.kafkaData);
  const config = serverProperties({
    ports,
    dataDir: paths.kafkaData,
    adminUser: ADMIN_USER,
    adminPassword: passwordOf(creds, ADMIN_USER),
  });
  writePrivateFile(paths.kafkaConfig, config);
  writePrivateFile(paths.log4jConfig, LOG4J_PROPERTIES);
  if (!isFormatted(paths)) {
    log('Formatting Kafka storage...');
    await formatStorage(
      artifacts.toolClasspath,
      paths.kafkaConfig,
      usersWithSecrets(creds, userNames),
    );
    writeProvisioned(paths, userNames);
  }
  log(`Starting Kafka ${artifacts.versions.kafka} on 127.0.0.1:${ports.kafka}...`);
  spawnService(paths, 'kafka', kafkaArgs(paths, artifacts, heapMb), paths.kafkaDir);
}

/**
 * Starts whatever is not running yet and waits until it is ready; idempotent. Also makes sure
 * every principal has a SCRAM credential: existing users keep their passwords.
 */
export async function up(opts: UpOptions = {}): Promise<LocalStackInfo> {
  const paths = stackPaths(opts.root);
  privateDir(paths.runDir);
  const lockTimeout = (opts.readyTimeoutMs ?? 120_000) + 60_000;
  return withLock(paths.lockFile, lockTimeout, () => upLocked(opts));
}

async function upLocked(opts: UpOptions): Promise<LocalStackInfo> {
  const log = opts.log ?? (() => undefined);
  const startedAt = Date.now();
  const readyMs: Partial<Record<Service, number>> = {};
  const paths = stackPaths(opts.root);
  const services = opts.services ?? SERVICES;
  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  if (opts.fresh) {
    await down({ root: paths.root });
    wipeState(paths);
  }
  // State written by earlier versions was world-readable (0755/0644).
  fs.chmodSync(paths.root, 0o700);
  for (const dir of [paths.kafkaDir, paths.registryDir, paths.logsDir, paths.runDir])
    makePrivate(dir);

  const previousPorts = readState(paths)?.ports;
  // Flags and variables win; otherwise a stack keeps the ports it was recorded with, so a
  // service restarted after a crash comes back where its clients (and the address book) expect.
  const requested = resolvePorts(opts.ports, process.env, previousPorts ?? DEFAULT_PORTS);
  const isRunning = (s: Service): boolean => runningPid(paths, s) !== undefined;
  // A running service keeps its ports; changing them takes a `down` first.
  const ports: Ports = {
    kafka: isRunning('kafka') && previousPorts ? previousPorts.kafka : requested.kafka,
    controller:
      isRunning('kafka') && previousPorts ? previousPorts.controller : requested.controller,
    registry: isRunning('registry') && previousPorts ? previousPorts.registry : requested.registry,
  };
  const toStart = services.filter((s) => !isRunning(s));

  // A Set: the catalog may itself declare the reconciler app (platform.reconciler).
  const userNames = [
    ...new Set([ADMIN_USER, RECONCILER_USER, ...(opts.principals ?? []).map(principalName)]),
  ];
  const previous = readCredentialsIfPresent(paths.credentialsFile);
  if (isFormatted(paths) && previous?.users[ADMIN_USER] === undefined) {
    throw new StackError(
      `Kafka data exists in ${paths.kafkaData} but ${paths.credentialsFile} has no admin ` +
        'password, so nobody can log in. Run `up --fresh` to start over with new data.',
    );
  }
  const { creds, added } = withUsers(previous, userNames);
  if (added.length > 0 || !previous) writeCredentials(paths.credentialsFile, creds);
  const wantsKafka = services.includes('kafka');
  const unprovisioned = (): string[] => {
    const done = readProvisioned(paths);
    return userNames.filter((n) => !done.has(n));
  };
  const stale = removedUsers(creds, userNames, opts.ownedUsers);

  if (
    toStart.length === 0 &&
    (!wantsKafka || (unprovisioned().length === 0 && stale.length === 0))
  ) {
    writeAddressBook(paths, ports);
    return stackInfo(paths, ports, [], pinnedVersions());
  }

  checkJava();
  const artifacts = await ensureArtifacts(log);
  await assertPortsFree({
    ...(toStart.includes('kafka') ? { kafka: ports.kafka, controller: ports.controller } : {}),
    ...(toStart.includes('registry') ? { registry: ports.registry } : {}),
  });

  const started: Service[] = [];
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) stop.abort();
  try {
    if (toStart.includes('kafka')) {
      await startKafka(paths, ports, creds, userNames, artifacts, log, opts.kafkaHeapMb ?? 512);
      started.push('kafka');
    }
    if (toStart.includes('registry')) {
      privateDir(paths.registryDir);
      log(`Starting Apicurio Registry ${artifacts.versions.apicurio} on port ${ports.registry}...`);
      spawnService(paths, 'registry', registryArgs(paths, ports, artifacts), paths.registryDir);
      started.push('registry');
    }
    writePrivateFile(paths.stateFile, `${JSON.stringify({ ports } satisfies State)}\n`);
    writeAddressBook(paths, ports);

    const bootstrap = `127.0.0.1:${ports.kafka}`;
    const waits: Promise<void>[] = [];
    const wait = async (service: Service, healthy: () => Promise<boolean>): Promise<void> => {
      await waitReady(paths, service, healthy, timeoutMs, stop.signal);
      if (started.includes(service)) readyMs[service] = Date.now() - startedAt;
    };
    if (wantsKafka) {
      const sasl = saslFor(creds, ADMIN_USER);
      waits.push(wait('kafka', () => kafkaHealthy(bootstrap, sasl)));
    }
    if (services.includes('registry')) {
      waits.push(wait('registry', () => registryHealthy(serverUrl(ports))));
    }
    const results = await Promise.allSettled(waits);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    if (started.includes('registry')) await setGlobalCompatibility(serverUrl(ports));
    const missing = wantsKafka ? unprovisioned() : [];
    if (missing.length > 0) {
      log(`Adding ${missing.length} Kafka principal(s)...`);
      await upsertUsers(
        artifacts.toolClasspath,
        bootstrap,
        [ADMIN_USER, passwordOf(creds, ADMIN_USER)],
        usersWithSecrets(creds, missing),
      );
      writeProvisioned(paths, [...readProvisioned(paths), ...missing]);
    }
    if (wantsKafka && stale.length > 0) {
      log(`Removing ${stale.length} Kafka principal(s) of apps no longer in the catalog...`);
      await removeUsers(
        artifacts.toolClasspath,
        bootstrap,
        [ADMIN_USER, passwordOf(creds, ADMIN_USER)],
        stale,
      );
      writeCredentials(paths.credentialsFile, withoutUsers(creds, stale));
      writeProvisioned(
        paths,
        [...readProvisioned(paths)].filter((n) => !stale.includes(n)),
      );
    }
  } catch (err) {
    stop.abort();
    await Promise.all(started.map((s) => stopService(paths, s, 10_000)));
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return { ...stackInfo(paths, ports, started, artifacts.versions), readyMs };
}

/** Graceful SIGTERM, then SIGKILL after `graceMs`. Returns the services that were running. */
export async function down(
  opts: { root?: string; services?: readonly Service[]; graceMs?: number } = {},
): Promise<Service[]> {
  const paths = stackPaths(opts.root);
  const services = opts.services ?? SERVICES;
  const stopped = await Promise.all(services.map((s) => stopService(paths, s, opts.graceMs)));
  return services.filter((_, i) => stopped[i]);
}

/** Addresses and pids of the stack under `root` as last started (no network calls). */
export function currentStack(opts: { root?: string } = {}): LocalStackInfo {
  const paths = stackPaths(opts.root);
  const ports = readState(paths)?.ports ?? resolvePorts();
  return stackInfo(paths, ports, [], pinnedVersions());
}

export interface ServiceStatus {
  service: Service;
  pid?: number;
  ports: number[];
  listening: boolean;
  healthy: boolean;
  rssBytes?: number;
}

export interface StackStatus {
  info: LocalStackInfo;
  services: ServiceStatus[];
}

export async function status(opts: { root?: string } = {}): Promise<StackStatus> {
  const info = currentStack(opts);
  const ports = info.ports;
  const paths = stackPaths(opts.root);
  const creds = readCredentialsIfPresent(paths.credentialsFile);
  const check = async (
    service: Service,
    servicePorts: number[],
    healthy: () => Promise<boolean>,
  ): Promise<ServiceStatus> => {
    const pid = info.pids[service];
    const listening = (await Promise.all(servicePorts.map((p) => isPortFree(p)))).every((f) => !f);
    const result: ServiceStatus = { service, ports: servicePorts, listening, healthy: false };
    if (pid === undefined) return result;
    result.pid = pid;
    const rss = rssBytes(pid);
    if (rss !== undefined) result.rssBytes = rss;
    result.healthy = listening && (await healthy());
    return result;
  };
  const services = await Promise.all([
    check('kafka', [ports.kafka, ports.controller], async () =>
      creds ? kafkaHealthy(info.bootstrap, saslFor(creds, ADMIN_USER)) : false,
    ),
    check('registry', [ports.registry], () => registryHealthy(serverUrl(ports))),
  ]);
  return { info, services };
}
