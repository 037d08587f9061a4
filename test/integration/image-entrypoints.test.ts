// The image's entry points, run outside a container exactly as its ENTRYPOINTs say, in a
// directory laid out as the image's /app (test/support/dockerfile.ts follows the Dockerfile's
// COPY instructions), after `npm run build`: compiled JavaScript only, no tsx. The reconciler
// runs against the shared local stack (RECONCILER_ENV=local, observe: it changes nothing) and
// must serve /readyz; the Dockerfile's HEALTHCHECK command must pass against it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { freePort } from '../../scripts/local/ports';
import { REPO_ROOT } from '../../shared/repo-root';
import { envOf, execForm, last, parseDockerfile, stageImage } from '../support/dockerfile';

jest.setTimeout(180_000);

const docker = parseDockerfile();
const entrypoint = (target: string): string[] =>
  execForm(last(docker.stage(target), 'ENTRYPOINT')?.args ?? '[]');

/** The process environment a container gets: the image's ENV, then the caller's. */
function containerEnv(target: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...envOf(docker.chain(target)),
    ...extra,
  };
}

function filesUnder(dir: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      const rel = relative(dir, abs);
      if (skip(rel)) continue;
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(rel);
    }
  };
  walk(dir);
  return out;
}

let app: string;

beforeAll(() => {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(build.stderr + build.stdout).toBe('');
  expect(build.status).toBe(0);
  app = stageImage('reconciler', docker);
  // RECONCILER_ENV=local reads the local stack's files: its state dir and the versions it runs.
  // Neither is in the image (Kubernetes runs it against Confluent Cloud).
  symlinkSync(join(REPO_ROOT, '.local'), join(app, '.local'));
  cpSync(join(REPO_ROOT, 'scripts/local/pom.xml'), join(app, 'scripts/local/pom.xml'));
});

test('the image holds compiled JavaScript and the catalog, no TypeScript', () => {
  const files = filesUnder(app, (rel) => rel === 'node_modules' || rel === '.local');
  expect(files.filter((f) => /\.[cm]?ts$/.test(f))).toEqual([]);
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'platform.yaml',
      'reconciler/server.js',
      'clientapp/cli.js',
      'topics/orders.yaml',
    ]),
  );
});

describe('the reconciler target', () => {
  let child: ChildProcess | undefined;
  let output = '';
  let port: number;
  const exited = (): Promise<number | null> =>
    new Promise((resolve) => {
      if (!child || child.exitCode !== null) resolve(child?.exitCode ?? null);
      else child.once('exit', (code) => resolve(code));
    });

  beforeAll(async () => {
    port = await freePort();
    const [command, ...args] = entrypoint('reconciler');
    child = spawn(command as string, args, {
      cwd: app,
      env: containerEnv('reconciler', {
        RECONCILER_ENV: 'local',
        RECONCILER_MODE: 'observe',
        // The image listens on 0.0.0.0:8080; here on a free port of the loopback only.
        RECONCILER_HOST: '127.0.0.1',
        RECONCILER_PORT: String(port),
        LOG_LEVEL: 'warn',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited();
    }
  });

  const healthcheck = (): number | null => {
    const check = last(docker.stage('reconciler'), 'HEALTHCHECK')?.args ?? '';
    const [command, ...args] = execForm(check.replace(/^.*?CMD\s+/, ''));
    return spawnSync(command as string, args, {
      cwd: app,
      env: containerEnv('reconciler', { RECONCILER_PORT: String(port) }),
      timeout: 10_000,
    }).status;
  };

  it('starts and serves /readyz (broker and registry reachable)', async () => {
    const deadline = Date.now() + 90_000;
    let status = 0;
    while (Date.now() < deadline) {
      if (child?.exitCode !== null) throw new Error(`the reconciler exited:\n${output}`);
      status = await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200) break;
      await sleep(250);
    }
    expect({ status, output: status === 200 ? '' : output }).toEqual({ status: 200, output: '' });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('passes the Dockerfile’s HEALTHCHECK command', () => {
    expect(healthcheck()).toBe(0);
  });

  it('stops on SIGTERM, and the health check then fails', async () => {
    child?.kill('SIGTERM');
    const code = await Promise.race([
      exited(),
      new Promise<string>((r) => setTimeout(() => r('still running after 30 s'), 30_000).unref()),
    ]);
    expect(code).toBe(0);
    expect(healthcheck()).toBe(1);
  });
});

test('the clientapp target starts: its modules and librdkafka’s binding load from dist', () => {
  const [command, ...args] = entrypoint('clientapp');
  const r = spawnSync(command as string, [...args, '--help'], {
    cwd: app,
    env: containerEnv('clientapp', {}),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^usage: npm run clientapp -- /);
  expect(r.status).toBe(0);
});
