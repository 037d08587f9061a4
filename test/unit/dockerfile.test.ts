// The image (Dockerfile), checked without a Docker engine: hadolint, then what it must agree on
// with the runtime stack and the services' configuration contracts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readReconcilerSettings } from '../../reconciler/config';
import { loadCatalog } from '../../catalog/loader';
import {
  CATALOG_DIGEST_ANNOTATION,
  CLIENT_APP_COMMAND,
  RECONCILER_COMMAND,
  RECONCILER_PORT,
  catalogDigest,
} from '../../stacks/runtime/runtime-stack';
import { REPO_ROOT } from '../../shared/repo-root';
import { catalogFixture } from '../support/catalog-fixture';
import { copies, envOf, execForm, last, parseDockerfile } from '../support/dockerfile';
import { HADOLINT, pypiTool } from '../support/pypi-tool';
import { stack, synthesizeSample } from './stacks/synthesized';
import type { Json } from './stacks/synthesized';

const hadolint = (): string => pypiTool(HADOLINT);

const docker = parseDockerfile();
const s = synthesizeSample();
const dev = stack(s, 'runtime-dev');
const container = (deployment: string): Json =>
  dev.resource.kubernetes_deployment_v1[deployment].spec.template.spec.container[0] as Json;

test('hadolint passes', () => {
  const r = spawnSync(hadolint(), ['--no-color', 'Dockerfile'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 300_000);

test('hadolint does catch a bad Dockerfile', () => {
  const r = spawnSync(hadolint(), ['--no-color', '-'], {
    input: 'FROM node\nRUN apt-get install curl\nUSER root\n',
    encoding: 'utf8',
  });
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/DL3006/); // an untagged base image
}, 300_000);

test('stages: a toolchain for the build and the production dependencies, a runtime without it, two targets', () => {
  expect(docker.stages.map((x) => x.name)).toEqual([
    'toolchain',
    'build',
    'prod-deps',
    'runtime',
    'clientapp',
    'reconciler',
  ]);
  // `docker build .` without --target gives the reconciler.
  expect(docker.stages[docker.stages.length - 1]?.name).toBe('reconciler');
  const node = `node:${docker.args.NODE_VERSION}-bookworm-slim`;
  expect(docker.stage('toolchain').from).toBe(node);
  expect(docker.stage('runtime').from).toBe(node);
  expect(docker.args.NODE_VERSION).toMatch(/^20\.\d+\.\d+$/);
  for (const target of ['reconciler', 'clientapp']) {
    const chain = docker.chain(target).map((x) => x.name);
    expect(chain).toEqual(['runtime', target]);
  }
});

test('the runtime has only production dependencies, compiled JavaScript and the catalog', () => {
  const run = (stage: string): string =>
    docker
      .stage(stage)
      .instructions.filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
  expect(run('prod-deps')).toMatch(/\bnpm ci --omit=dev\b/);
  expect(run('build')).toMatch(/\bnpm run build\b/);
  // The runtime has no compiler, and nothing from the build stage but dist/.
  for (const stage of ['runtime', 'clientapp', 'reconciler']) {
    expect(run(stage)).not.toMatch(/\b(g\+\+|gcc|make|python3|-dev)\b/);
    expect(run(stage)).not.toMatch(/\bnpm (ci|install)\b/);
  }
  expect(copies(docker.stage('runtime'))).toEqual([
    { from: 'prod-deps', sources: ['/app/node_modules/'], dest: 'node_modules/' },
    { sources: ['package.json'], dest: './' },
    { from: 'build', sources: ['/app/dist/'], dest: './' },
    { sources: ['platform.yaml'], dest: './' },
    { sources: ['topics/'], dest: 'topics/' },
    { sources: ['schemas/'], dest: 'schemas/' },
  ]);
  expect(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.build).toBe(
    'tsc -p tsconfig.build.json',
  );
  // tsx is a development tool: nothing the image runs needs it.
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  expect(pkg.dependencies.tsx).toBeUndefined();
});

test('the services run as a numeric non-root user', () => {
  const user = last(docker.stage('runtime'), 'USER')?.args ?? '';
  expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  for (const target of ['clientapp', 'reconciler']) {
    expect(last(docker.stage(target), 'USER')).toBeUndefined();
  }
});

test('entry points: compiled by tsconfig.build.json, the runtime stack’s container commands', () => {
  const built = JSON.parse(
    readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
  ) as { files: string[] };
  const reconciler = execForm(last(docker.stage('reconciler'), 'ENTRYPOINT')?.args ?? '[]');
  const clientapp = execForm(last(docker.stage('clientapp'), 'ENTRYPOINT')?.args ?? '[]');
  expect(reconciler).toEqual(RECONCILER_COMMAND);
  expect(clientapp).toEqual(CLIENT_APP_COMMAND);
  for (const [cmd, script] of [reconciler, clientapp].map((c) => [c[0], c[1] ?? ''] as const)) {
    expect(cmd).toBe('node');
    expect(built.files).toContain(script.replace(/\.js$/, '.ts'));
  }
  // No CMD: the arguments are the runtime stack's (or `docker run`'s).
  expect(last(docker.stage('reconciler'), 'CMD')).toBeUndefined();
  expect(container('reconciler').command).toEqual(RECONCILER_COMMAND);
  expect(container('client_app').command).toEqual(CLIENT_APP_COMMAND);
  expect(container('client_app').args).toEqual([
    '--producer',
    'orders/order-service',
    '--consumer',
    'orders/order-projector',
    '--topic',
    'orders.order-created.v1',
  ]);
});

test('the health check and the port are the runtime stack’s probes and the reconciler’s settings', () => {
  const env = envOf(docker.chain('reconciler'));
  const settings = readReconcilerSettings(env);
  expect(settings.port).toBe(RECONCILER_PORT);
  expect(settings.host).toBe('0.0.0.0');
  expect(last(docker.stage('reconciler'), 'EXPOSE')?.args).toBe(String(RECONCILER_PORT));
  const probe = container('reconciler').liveness_probe.http_get as Json;
  expect(probe.port).toBe(String(settings.port));

  const check = last(docker.stage('reconciler'), 'HEALTHCHECK')?.args ?? '';
  const m = /^((?:--\S+\s+)*)CMD\s+(\[.*\])$/.exec(check);
  if (!m) throw new Error(`HEALTHCHECK is not "[options] CMD [exec form]": ${check}`);
  const [node, flag, script] = execForm(m[2] as string);
  expect([node, flag]).toEqual(['node', '-e']);
  // The URL the check asks for, with the port the image's environment gives the service.
  const url = /fetch\((.+?),\s*\{/.exec(script ?? '')?.[1] ?? '';
  const asked = new Function('process', `return ${url};`)({ env }) as string;
  expect(new URL(asked)).toMatchObject({
    hostname: '127.0.0.1',
    port: String(settings.port),
    pathname: probe.path,
  });
  expect(probe.path).toBe('/healthz');
  // Docker's interval is at least as patient as the kubelet's liveness period.
  expect(m[1]).toMatch(/--interval=(\d+)s/);
  expect(Number(/--interval=(\d+)s/.exec(m[1] as string)?.[1])).toBeGreaterThanOrEqual(
    container('reconciler').liveness_probe.period_seconds as number,
  );
});

test('the runtime stack runs platform.yaml’s images', () => {
  const runtime = s.catalog.platform.environments.dev?.runtime;
  expect(container('reconciler').image).toBe(runtime?.reconcilerImage);
  expect(container('client_app').image).toBe(runtime?.clientAppImage);
  expect(container('reconciler').image_pull_policy).toBe('Always');
});

test('a catalog change rolls the pods onto the image built with it', () => {
  const template = (d: string): Json =>
    dev.resource.kubernetes_deployment_v1[d].spec.template.metadata as Json;
  const digest = catalogDigest(s.catalog);
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  for (const d of ['reconciler', 'client_app'])
    expect(template(d).annotations).toEqual({ [CATALOG_DIGEST_ANNOTATION]: digest });
  const schema = 'schemas/orders/order-created.avsc';
  const text = readFileSync(join(REPO_ROOT, schema), 'utf8');
  const same = loadCatalog(catalogFixture()).catalog!;
  const changed = loadCatalog(
    catalogFixture({ [schema]: text.replace('"doc"', '"doc" ') }),
  ).catalog!;
  expect(catalogDigest(same)).toBe(digest);
  expect(catalogDigest(changed)).not.toBe(digest);
});

test('.dockerignore keeps what the host built or installed out of the build context', () => {
  const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.local', '.git']));
  for (const needed of ['package.json', 'package-lock.json', 'platform.yaml', 'topics', 'schemas'])
    expect(ignored).not.toContain(needed);
});
