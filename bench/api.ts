// The reconciler service under many concurrent readers, on the running local stack (`npm run
// local:up`): 1,000 concurrent GET /api/v1/status, then 1,000 concurrent GET /api/v1/plan from
// one token, against a throw-away catalog in observe mode (nothing is applied). Figures: answers
// by status, latency percentiles and how often the cluster was read. Targets: only 200/429, no
// timeout, /status p99 < 1 s, at most one cluster read per burst.
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import os from 'node:os';
import { openClients } from '../reconciler/cluster/clients';
import { localConnection } from '../reconciler/cluster/connection';
import { createLogger } from '../reconciler/log';
import { generateToken, hashToken } from '../reconciler/service/auth';
import { startService } from '../reconciler/service';
import { catalogFixture } from '../test/support/reconciler-fixture';

const CONCURRENT = Number(process.env.BENCH_API_CONCURRENT ?? 1000);

/** node:http rather than fetch: the client's own cost stays small next to the service's. */
function get(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Authorization: `Bearer ${token}` }, timeout: 30_000 });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function run(): Promise<void> {
  const fx = catalogFixture();
  fx.write({
    apps: { shop: {} },
    topics: Array.from({ length: 50 }, (_, i) => ({ key: `t${i}`, producers: ['shop'] })),
  });
  const raw = await openClients(localConnection());
  let topicReads = 0;
  const describeTopics = raw.admin.describeTopics.bind(raw.admin);
  raw.admin.describeTopics = () => {
    topicReads += 1;
    return describeTopics();
  };
  const token = generateToken();
  const svc = await startService({
    root: fx.root,
    environment: 'local',
    mode: 'observe',
    intervalMs: 600_000,
    host: '127.0.0.1',
    port: 0,
    tokens: [{ name: 'bench', role: 'reader', sha256: hashToken(token) }],
    connection: localConnection(),
    clients: raw,
    log: createLogger({ level: 'silent' }),
  });
  try {
    for (let i = 0; i < 600 && !svc.controller.snapshot().lastPass; i++) await sleep(100);
    // Client and service share this process and the machine: the load says how much of it.
    console.log(
      `  load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores ` +
        '(client and service in one process)',
    );
    for (const path of ['/api/v1/status', '/api/v1/plan']) {
      const reads0 = topicReads;
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          const t0 = performance.now();
          try {
            const status = await get(`${svc.url}${path}`, token);
            return { status: String(status), ms: performance.now() - t0 };
          } catch (err) {
            return { status: (err as Error).message, ms: performance.now() - t0 };
          }
        }),
      );
      const counts = new Map<string, number>();
      for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      const ms = results.map((r) => r.ms).sort((a, b) => a - b);
      const others = [...counts.keys()].filter((s) => s !== '200' && s !== '429');
      console.log(
        `  ${CONCURRENT} x GET ${path}: ${[...counts].map(([s, n]) => `${n} x ${s}`).join(', ')} ` +
          `in ${Date.now() - started} ms; p50 ${percentile(ms, 50).toFixed(0)} ms, ` +
          `p99 ${percentile(ms, 99).toFixed(0)} ms; cluster reads ${topicReads - reads0} ` +
          `(targets: only 200/429 ${others.length ? 'NOT met' : 'met'}` +
          (path.endsWith('status')
            ? `, p99 < 1 s ${percentile(ms, 99) < 1000 ? 'met' : 'NOT met'}`
            : '') +
          `, <= 1 read ${topicReads - reads0 <= 1 ? 'met' : 'NOT met'})`,
      );
    }
  } finally {
    await svc.close();
    await raw.close();
    fx.cleanup();
  }
}
