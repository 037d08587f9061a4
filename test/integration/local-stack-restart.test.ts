// A private stack (temp dir, free ports) that crashes and comes back: its state is owner-only,
// including what the broker writes, and `up` without port flags restarts a dead service on the
// ports recorded for the stack, not on the defaults.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../../scripts/local/ports';
import { ADMIN_USER, down, readCredentials, saslFor, up } from '../../scripts/local/stack';
import type { LocalStackInfo } from '../../scripts/local/stack';
import { until } from '../support/wait';

jest.setTimeout(300_000);

const PORT_VARS = [
  'STREAMPLANE_KAFKA_PORT',
  'STREAMPLANE_CONTROLLER_PORT',
  'STREAMPLANE_REGISTRY_PORT',
];

/** Every directory and file under `root` whose mode lets anyone but the owner in. */
function notPrivate(root: string): string[] {
  const bad: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const mode = fs.lstatSync(p).mode & 0o777;
      if (e.isDirectory()) {
        if (mode !== 0o700) bad.push(`${p} ${mode.toString(8)}`);
        walk(p);
      } else if (e.isFile() && mode !== 0o600) bad.push(`${p} ${mode.toString(8)}`);
    }
  };
  walk(root);
  return bad;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('a crashed private stack', () => {
  let root: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-it-'));
    // `up` without flags must not pick the test run's own ports from the environment.
    for (const v of PORT_VARS) {
      saved[v] = process.env[v];
      delete process.env[v];
    }
  });

  afterAll(async () => {
    for (const v of PORT_VARS) if (saved[v] !== undefined) process.env[v] = saved[v];
    await down({ root });
    if (process.env.KEEP_ROOT) console.log(root);
    else fs.rmSync(root, { recursive: true, force: true });
  });

  let ports: { kafka: number; controller: number; registry: number };
  let first: LocalStackInfo;
  const kafka = (info: LocalStackInfo): Kafka =>
    new Kafka({
      clientId: 'it-private',
      brokers: [info.bootstrap],
      sasl: saslFor(readCredentials(info.credentialsFile), ADMIN_USER),
      logLevel: logLevel.NOTHING,
    });
  const kafkaData = (): string => path.join(root, 'kafka', 'data');

  it('keeps its data owner-only, including what the broker writes', async () => {
    ports = {
      kafka: await freePort(),
      controller: await freePort(),
      registry: await freePort(),
    };
    first = await up({ root, ports });
    expect(first.ports).toEqual(ports);

    // Topic data and offsets written by the broker itself.
    const creator = kafka(first).admin();
    await creator.connect();
    await creator.createTopics({ topics: [{ topic: 'private-data' }], waitForLeaders: true });
    await creator.disconnect();
    const producer = kafka(first).producer();
    await producer.connect();
    await producer.send({ topic: 'private-data', messages: [{ value: 'secret payload' }] });
    await producer.disconnect();
    await until(
      () => fs.readdirSync(kafkaData()).some((d) => d.startsWith('private-data-')) || undefined,
      30_000,
    );
    expect(filesUnder(kafkaData()).length).toBeGreaterThan(5);
    expect(filesUnder(path.join(root, 'registry')).length).toBeGreaterThan(0);
    expect(notPrivate(root)).toEqual([]);
    expect(fs.statSync(root).mode & 0o777).toBe(0o700);
  });

  it('restarts a dead service on the recorded ports and makes older state private', async () => {
    // A crash: the broker is killed; state from an older version was world-readable.
    const pid = first.pids.kafka as number;
    process.kill(pid, 'SIGKILL');
    await until(() => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 30_000);
    fs.chmodSync(root, 0o755);
    fs.chmodSync(kafkaData(), 0o755);
    for (const f of filesUnder(kafkaData())) fs.chmodSync(f, 0o644);
    fs.chmodSync(path.join(root, 'logs'), 0o755);

    const second = await up({ root });
    expect(second.started).toEqual(['kafka']);
    expect(second.ports).toEqual(ports);
    const admin = kafka(second).admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain('private-data');
    await admin.disconnect();
    expect(notPrivate(root)).toEqual([]);
    expect(fs.statSync(root).mode & 0o777).toBe(0o700);

    // Explicit ports still win for a service that is not running.
    expect(await down({ root, services: ['registry'] })).toEqual(['registry']);
    const registry = await freePort();
    const third = await up({ root, ports: { registry } });
    expect(third.started).toEqual(['registry']);
    expect(third.ports).toEqual({ ...ports, registry });
  });
});
