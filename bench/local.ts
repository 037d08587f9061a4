// Local stack start-up and footprint: cold start (fresh data dir, cached jars), warm start
// (existing data), idle RSS per service. Runs a private stack in a temp dir on free ports, so a
// developer's running stack is left alone. Figures are printed, never asserted.
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureArtifacts } from '../scripts/local/artifacts';
import { freePort } from '../scripts/local/ports';
import { rssBytes } from '../scripts/local/proc';
import { down, up } from '../scripts/local/stack';
import type { LocalStackInfo, Service } from '../scripts/local/stack';

const TARGET_WARM_S = 20;
const TARGET_RSS_MIB = 1536;
const IDLE_MS = 10_000;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function perService(info: LocalStackInfo): string {
  const parts = Object.entries(info.readyMs).map(([s, ms]) => `${s} ${seconds(ms)}`);
  return parts.length > 0 ? `  (ready: ${parts.join(', ')})` : '';
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

function printRss(info: LocalStackInfo): void {
  for (const service of ['kafka', 'registry'] as Service[]) {
    const pid = info.pids[service];
    const rss = pid === undefined ? undefined : rssBytes(pid);
    const mib = rss === undefined ? 'n/a' : `${(rss / 2 ** 20).toFixed(0)} MiB`;
    console.log(
      `  idle RSS ${service.padEnd(8)} ${mib.padStart(8)}  (target < ${TARGET_RSS_MIB} MiB)`,
    );
  }
}

export async function run(): Promise<void> {
  const [, artifactsMs] = await timed(() => ensureArtifacts());
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-bench-'));
  const ports = {
    kafka: await freePort(),
    controller: await freePort(),
    registry: await freePort(),
  };
  console.log(`  cores ${os.cpus().length}, private stack in ${root}`);
  console.log(`  artifact check (cached)  ${seconds(artifactsMs)}`);
  try {
    const [cold, coldMs] = await timed(() => up({ root, ports }));
    console.log(`  cold start (fresh data)  ${seconds(coldMs)}${perService(cold)}`);
    const [, stopMs] = await timed(() => down({ root }));
    console.log(`  stop (SIGTERM)           ${seconds(stopMs)}`);

    const [warm, warmMs] = await timed(() => up({ root, ports }));
    console.log(
      `  warm start               ${seconds(warmMs)}${perService(warm)}  (target < ${TARGET_WARM_S} s)`,
    );
    await sleep(IDLE_MS);
    printRss(warm);
  } finally {
    await down({ root });
    fs.rmSync(root, { recursive: true, force: true });
  }
}
