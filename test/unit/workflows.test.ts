// The GitHub workflows: linted with actionlint (built from the Go module proxy and cached) and
// shellcheck (as on GitHub's runners), held to the catalog (the environments deploy.yml deploys),
// and their `run:` steps executed here, in a throw-away clone of the repository, as the runner
// would: validation and the one pull request comment (against an in-process GitHub API), the
// provider layout from a registry download, the image names and the Kubernetes credentials.
import type { SpawnOptions } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ciEnvironments } from '../../catalog/format/platform-file';
import { loadCatalog } from '../../catalog/loader';
import { MARKER } from '../../scripts/pr-comment';
import { pinnedVersions, terraformBinary } from '../../scripts/providers/terraform';
import { REPO_ROOT } from '../../shared/repo-root';
import { parseDockerfile } from '../support/dockerfile';
import { SHELLCHECK, pypiTool } from '../support/pypi-tool';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WORKFLOWS = ['catalog-pr.yml', 'deploy.yml'];
const workflow = (name: string): Json =>
  parse(readFileSync(join(REPO_ROOT, '.github/workflows', name), 'utf8')) as Json;
const catalogPr = workflow('catalog-pr.yml');
const deploy = workflow('deploy.yml');

const actionlint = (...args: string[]) =>
  spawnSync(
    'bash',
    [
      join(REPO_ROOT, 'scripts/tools/actionlint.sh'),
      '-no-color',
      '-shellcheck',
      pypiTool(SHELLCHECK),
      ...args,
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );

const steps = (job: Json): Json[] => job.steps as Json[];
const step = (job: Json, name: string): Json => {
  const found = steps(job).find((s) => s.name === name);
  if (!found) throw new Error(`no step "${name}"`);
  return found;
};

describe('GitHub workflows', () => {
  it('are the catalog PR workflow and the deploy workflow', () => {
    expect(readdirSync(join(REPO_ROOT, '.github/workflows')).sort()).toEqual(WORKFLOWS);
  });

  it('pass actionlint, with shellcheck on every run: step', () => {
    const r = actionlint(...WORKFLOWS.map((w) => `.github/workflows/${w}`));
    expect(r.stdout + r.stderr).not.toMatch(/\.yml:\d+:\d+:/);
    expect(r.status).toBe(0);
  }, 300_000);

  it('actionlint does catch a broken workflow, and shellcheck a broken script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-'));
    const file = join(dir, 'broken.yml');
    writeFileSync(
      file,
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n      - run: cd $HOME/x && rm -rf $DIR/*\n',
    );
    const r = actionlint(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('broken.yml:6:');
    expect(r.stdout).toMatch(/broken\.yml:7:.*SC2086/);
  }, 300_000);

  it('no expression inside a run: script (values come in through env:)', () => {
    for (const wf of [catalogPr, deploy])
      for (const job of Object.values(wf.jobs as Record<string, Json>))
        for (const s of steps(job)) if (s.run) expect(s.run).not.toContain('${{');
  });

  it('deploy.yml deploys exactly the environments platform.yaml says CI deploys, in order', () => {
    const catalog = loadCatalog(REPO_ROOT).catalog!;
    expect(deploy.jobs.deploy.strategy.matrix.environment).toEqual(
      ciEnvironments(catalog.platform),
    );
    expect(deploy.jobs.deploy.strategy['max-parallel']).toBe(1);
    expect(deploy.jobs.deploy.needs).toBe('images');
  });

  it('deploy.yml: credentials from secrets and OIDC, Terraform through build.sh and its CLI config', () => {
    const job = deploy.jobs.deploy;
    expect(job.env.CONFLUENT_CLOUD_API_KEY).toBe('${{ secrets.CONFLUENT_CLOUD_API_KEY }}');
    expect(job.env.CONFLUENT_CLOUD_API_SECRET).toBe('${{ secrets.CONFLUENT_CLOUD_API_SECRET }}');
    expect(step(job, 'Kubernetes credentials').env.KUBE_CONFIG).toBe('${{ secrets.KUBE_CONFIG }}');
    const names = steps(job).map((s) => s.name ?? s.uses ?? s.run);
    const at = (n: string): number => names.indexOf(n);
    expect(at('Terraform and the providers (scripts/providers/build.sh)')).toBeLessThan(
      at('Deploy'),
    );
    expect(at('Kubernetes credentials')).toBeLessThan(at('Deploy'));
    expect(step(job, 'Terraform and the providers (scripts/providers/build.sh)').run).toContain(
      'TF_CLI_CONFIG_FILE=',
    );
    expect(steps(job).some((s) => s.uses === 'aws-actions/configure-aws-credentials@v4')).toBe(
      true,
    );
    expect(deploy.permissions['id-token']).toBe('write');
  });

  it('both workflows install Terraform and the providers with the same steps', () => {
    const providerSteps = (job: Json): Json[] => {
      const all = steps(job);
      const from = all.findIndex((s) => s.name === 'Pinned versions');
      const to = all.findIndex(
        (s) => s.name === 'Terraform and the providers (scripts/providers/build.sh)',
      );
      expect(from).toBeGreaterThanOrEqual(0);
      return all.slice(from, to + 1);
    };
    expect(providerSteps(deploy.jobs.deploy)).toEqual(providerSteps(catalogPr.jobs.check));
    expect(providerSteps(catalogPr.jobs.check)).toHaveLength(4);
  });

  it('the Node.js of the workflows is the image’s', () => {
    const major = parseDockerfile().args.NODE_VERSION?.split('.')[0];
    for (const wf of [catalogPr, deploy])
      for (const job of Object.values(wf.jobs as Record<string, Json>))
        for (const s of steps(job))
          if (s.uses === 'actions/setup-node@v4')
            expect(String(s.with['node-version'])).toBe(major);
  });
});

// ---------------------------------------------------------------------------------------------
// The run: steps, executed.

/** Every workspace this file made: each is a copy of the checkout, removed when the file ends. */
const workspaces: string[] = [];
afterAll(() => {
  for (const root of workspaces) rmSync(root, { recursive: true, force: true });
});

/** A workspace as actions/checkout leaves it: the repository's files and node_modules. */
function workspace(): { root: string; ws: string } {
  const root = mkdtempSync(join(tmpdir(), 'streamplane-runner-'));
  workspaces.push(root);
  const ws = join(root, 'work');
  mkdirSync(ws);
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .stdout.split('\0')
    .filter((f) => f && !f.startsWith('stacks/.gen/') && existsSync(join(REPO_ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(ws, f)), { recursive: true });
    cpSync(join(REPO_ROOT, f), join(ws, f));
  }
  // The stack bindings are generated (git-ignored in part): the synthesized code needs them.
  symlinkSync(join(REPO_ROOT, 'stacks/.gen'), join(ws, 'stacks/.gen'));
  // Installed packages, but a cache of its own (validation remembers under node_modules/.cache).
  mkdirSync(join(ws, 'node_modules'));
  for (const entry of readdirSync(join(REPO_ROOT, 'node_modules')))
    if (entry !== '.cache')
      symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(ws, 'node_modules', entry));
  const git = (...args: string[]): void => {
    const r = spawnSync('git', args, { cwd: ws, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'base');
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  git('checkout', '-q', '-b', 'change');
  return { root, ws };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  outputs: string;
  envFile: string;
  summary: string;
}

/**
 * Runs one step's `run:` as the runner does (bash -e -o pipefail), with the workflow's, the
 * job's and the step's env, each `${{ … }}` looked up in `context` (an unknown one fails).
 */
async function runStep(
  wf: Json,
  jobName: string,
  stepName: string,
  ws: string,
  context: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const job = wf.jobs[jobName] as Json;
  const s = step(job, stepName);
  const evaluate = (value: unknown): string =>
    String(value).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
      if (!(expr in context)) throw new Error(`${stepName}: no value for \${{ ${expr} }}`);
      return context[expr] as string;
    });
  const temp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
  const files = {
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_ENV: join(temp, 'env'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    STREAMPLANE_CACHE: process.env.STREAMPLANE_CACHE,
    CI: 'true',
    GITHUB_WORKSPACE: ws,
    RUNNER_TEMP: temp,
    ...files,
    ...extraEnv,
  };
  for (const scope of [wf.env, job.env, s.env])
    for (const [k, v] of Object.entries((scope ?? {}) as Record<string, unknown>))
      env[k] = evaluate(v);
  for (const [k, v] of Object.entries(extraEnv)) env[k] = v;
  const opts: SpawnOptions = { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] };
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run], opts);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  // 'close', not 'exit': the step's output may still be in the pipes when it exits.
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const read = (f: string): string => readFileSync(f, 'utf8');
  return {
    code,
    stdout,
    stderr,
    outputs: read(files.GITHUB_OUTPUT),
    envFile: read(files.GITHUB_ENV),
    summary: read(files.GITHUB_STEP_SUMMARY),
  };
}

describe('catalog-pr.yml, run here on a pull request that changes a schema twice', () => {
  let ws: string;
  const comments: { id: number; body: string }[] = [];
  let api: ReturnType<typeof createServer>;
  let apiUrl: string;

  beforeAll(async () => {
    ws = workspace().ws;
    // A GitHub issue-comments API of one pull request.
    api = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const reply = (status: number, value: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.headers.authorization !== 'Bearer gh-token') return reply(401, {});
        if (url.pathname === '/repos/acme/streamplane/issues/7/comments') {
          if (req.method === 'GET')
            return reply(200, url.searchParams.get('page') === '1' ? comments : []);
          const c = { id: 100 + comments.length, body: (JSON.parse(data) as Json).body };
          comments.push(c);
          return reply(201, { ...c, html_url: `https://github.test/c/${c.id}` });
        }
        const m = /^\/repos\/acme\/streamplane\/issues\/comments\/(\d+)$/.exec(url.pathname);
        const c = comments.find((x) => x.id === Number(m?.[1]));
        if (req.method === 'PATCH' && c) {
          c.body = (JSON.parse(data) as Json).body;
          return reply(200, { ...c, html_url: `https://github.test/c/${c.id}` });
        }
        reply(404, {});
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => api.close(() => r())));

  const context = (sha: string): Record<string, string> => ({
    'github.base_ref': 'main',
    'github.event.pull_request.number': '7',
    'github.event.pull_request.head.sha': sha,
    'vars.PR_PLAN_ENVIRONMENT': '',
    'github.token': 'gh-token',
    'github.event.pull_request.head.repo.full_name == github.repository': 'true',
    'steps.plan.outcome': 'skipped',
  });
  const push = (from: string, to: string): string => {
    const file = join(ws, 'schemas/orders/types/money.avsc');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
    const git = (...a: string[]) => spawnSync('git', a, { cwd: ws, encoding: 'utf8' });
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'change');
    return git('rev-parse', 'HEAD').stdout.trim();
  };
  /** The validate step, then the comment step with the same RUNNER_TEMP, as in one job. */
  const check = async (sha: string): Promise<{ validate: Run; comment: Run }> => {
    const temp = mkdtempSync(join(tmpdir(), 'runner-job-'));
    const extra = {
      RUNNER_TEMP: temp,
      GITHUB_REPOSITORY: 'acme/streamplane',
      GITHUB_API_URL: apiUrl,
    };
    const validate = await runStep(
      catalogPr,
      'check',
      'Validate the catalog against the base branch',
      ws,
      context(sha),
      extra,
    );
    const comment = await runStep(
      catalogPr,
      'check',
      'Pull request comment',
      ws,
      context(sha),
      extra,
    );
    return { validate, comment };
  };

  it('push 1: an incompatible change fails validation, and the comment says so and who consumes it', async () => {
    const sha = push(
      '{ "name": "amountMinor", "type": "long" },',
      '{ "name": "amountMinor", "type": "long" },\n    { "name": "scale", "type": "int" },',
    );
    const { validate, comment } = await check(sha);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(
      /^::error file=schemas\/orders\/types\/money\.avsc,.*title=schema-incompatible::/m,
    );
    expect(comment.stderr).toBe('');
    expect(comment.code).toBe(0);
    expect(comment.stdout).toMatch(/^created comment 100: /m);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.startsWith(`${MARKER}\n\n## Catalog check for ${sha.slice(0, 12)}`)).toBe(true);
    expect(body).toContain('### ❌ Validation: ');
    expect(body).toMatch(
      // At the added field (line 8 of money.avsc), not at the top of the file.
      /\| ❌ \| `schemas\/orders\/types\/money\.avsc:8:15` \| `schema-incompatible` \|/,
    );
    expect(body).toContain(
      '`orders.order-created.v1` | `orders/order-projector` (@acme/orders), `payments/payment-service` (@acme/payments)',
    );
    expect(body).toContain('Not planned: the repository sets no PR_PLAN_ENVIRONMENT');
    expect(comment.summary).toBe(body);
  }, 120_000);

  it('push 2: the fix passes, and the same comment is edited', async () => {
    const sha = push(
      '{ "name": "scale", "type": "int" }',
      '{ "name": "scale", "type": "int", "default": 2 }',
    );
    const { validate, comment } = await check(sha);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(comment.code).toBe(0);
    expect(comment.stdout).toMatch(/^updated comment 100: /m);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toContain(`## Catalog check for ${sha.slice(0, 12)}`);
    expect(body).toMatch(/### ✅ Validation passed/);
    expect(body).toContain('changed (through `orders.types.money`)');
  }, 120_000);

  it('the plan step’s stack list: the environment’s synthesized stacks, platform first', async () => {
    mkdirSync(join(ws, 'cdktf.out'), { recursive: true });
    const names = ['platform-prod', 'domain-orders-prod', 'secrets-prod', 'platform-pre-prod'];
    writeFileSync(
      join(ws, 'cdktf.out/manifest.json'),
      JSON.stringify({ stacks: Object.fromEntries(names.map((n) => [n, {}])) }),
    );
    const r = spawnSync(
      'npx',
      ['tsx', 'scripts/pr-comment.ts', 'stacks', '--environment', 'prod'],
      {
        cwd: ws,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('platform-prod\ndomain-orders-prod\nsecrets-prod\n');
  }, 60_000);
});

describe('deploy.yml’s steps, run here', () => {
  let root: string;
  let ws: string;
  beforeAll(() => ({ root, ws } = workspace()));
  /** The deploy job's env, for the dev environment. */
  const job = (more: Record<string, string> = {}): Record<string, string> => ({
    'matrix.environment': 'dev',
    'secrets.CONFLUENT_CLOUD_API_KEY': 'k',
    'secrets.CONFLUENT_CLOUD_API_SECRET': 's',
    'vars.KUBE_CTX': '',
    ...more,
  });

  it('the pinned versions', async () => {
    const r = await runStep(deploy, 'deploy', 'Pinned versions', ws, job());
    const v = pinnedVersions();
    expect(r.outputs).toBe(
      `TERRAFORM_VERSION=${v.TERRAFORM_VERSION}\nCONFLUENT_PROVIDER_VERSION=${v.CONFLUENT_PROVIDER_VERSION}\n`,
    );
  });

  it('the image names: every CI environment’s, once each', async () => {
    const r = await runStep(deploy, 'images', 'Image names from platform.yaml', ws, {});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toBe(
      'reconciler<<EOF\nghcr.io/acme/streamplane-reconciler:latest\nEOF\nclientapp<<EOF\nghcr.io/acme/streamplane-clientapp:latest\nEOF\n',
    );
  }, 60_000);

  it('the Confluent provider from a registry download, laid out as ../shared/providers, which build.sh installs', async () => {
    const version = pinnedVersions().CONFLUENT_PROVIDER_VERSION as string;
    const binary = `terraform-provider-confluent_v${version}`;
    // `terraform providers mirror` stands in here: it writes the release zip the registry serves,
    // holding the same binary as the project's own copy.
    const shared = join(REPO_ROOT, '..', 'shared', 'providers', 'confluent', version);
    const stub = mkdtempSync(join(tmpdir(), 'stub-terraform-'));
    writeFileSync(
      join(stub, 'terraform'),
      [
        '#!/usr/bin/env bash',
        'set -euo pipefail',
        '[ "$2 $3" = "providers mirror" ] || { echo "stub: $*" >&2; exit 2; }',
        'out="${@: -1}/registry.terraform.io/confluentinc/confluent"; mkdir -p "$out"',
        `tmp=$(mktemp -d); gunzip -c "${shared}/${binary}_linux_amd64.gz" > "$tmp/${binary}"`,
        `python3 -m zipfile -c "$out/terraform-provider-confluent_${version}_linux_amd64.zip" "$tmp/${binary}"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const r = await runStep(
      deploy,
      'deploy',
      'Confluent provider from the Terraform registry',
      ws,
      job({ 'steps.versions.outputs.CONFLUENT_PROVIDER_VERSION': version }),
      { PATH: `${stub}:${process.env.PATH}` },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const laid = join(root, 'shared', 'providers', 'confluent', version);
    expect(readFileSync(join(laid, 'SHA256SUMS'), 'utf8')).toBe(
      readFileSync(join(shared, 'SHA256SUMS'), 'utf8')
        .split('\n')
        .filter((l) => l.endsWith(binary))
        .join('\n') +
        '\n' +
        spawnSync('sha256sum', [`${binary}_linux_amd64.gz`], { cwd: laid, encoding: 'utf8' })
          .stdout,
    );
    // A second run finds the folder and leaves it alone.
    const again = await runStep(
      deploy,
      'deploy',
      'Confluent provider from the Terraform registry',
      ws,
      job({ 'steps.versions.outputs.CONFLUENT_PROVIDER_VERSION': version }),
    );
    expect(again.stdout).toBe(`using ${ws}/../shared/providers/confluent/${version}\n`);

    // build.sh (the next step) verifies and installs it; terraform is the pinned one on PATH.
    const cache = mkdtempSync(join(tmpdir(), 'streamplane-tf-cache-'));
    const build = await runStep(
      deploy,
      'deploy',
      'Terraform and the providers (scripts/providers/build.sh)',
      ws,
      job(),
      { PATH: `${dirname(terraformBinary())}:${process.env.PATH}`, STREAMPLANE_TF_CACHE: cache },
    );
    expect(build.stderr).toContain(`confluent: installed the real provider ${version}`);
    expect(build.code).toBe(0);
    expect(build.envFile).toMatch(/^TF_CLI_CONFIG_FILE=.*\/terraformrc$/m);
    const installed = join(
      cache,
      'mirror/registry.terraform.io/confluentinc/confluent',
      version,
      'linux_amd64',
      binary,
    );
    expect(statSync(installed).mode & 0o111).not.toBe(0);
  }, 300_000);

  it('Kubernetes credentials: KUBE_CONFIG to a private file and KUBE_CONFIG_PATH; refused when missing', async () => {
    mkdirSync(join(ws, 'cdktf.out/stacks/runtime-dev'), { recursive: true });
    const ctx = (kubeconfig: string): Record<string, string> =>
      job({ 'secrets.KUBE_CONFIG': kubeconfig });
    const ok = await runStep(
      deploy,
      'deploy',
      'Kubernetes credentials',
      ws,
      ctx('apiVersion: v1\nkind: Config\n'),
    );
    expect(ok.code).toBe(0);
    const path = /^KUBE_CONFIG_PATH=(.+)$/m.exec(ok.envFile)?.[1] ?? '';
    expect(readFileSync(path, 'utf8')).toBe('apiVersion: v1\nkind: Config\n\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const missing = await runStep(deploy, 'deploy', 'Kubernetes credentials', ws, ctx(''));
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(
      /^::error::dev has a runtime stack: set the KUBE_CONFIG secret/m,
    );
    expect(missing.envFile).toBe('');
  });
});
