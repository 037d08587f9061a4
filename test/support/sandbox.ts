// A deploy target for the stacks on this machine: a private local stack (its own Kafka broker
// and registry, in a temp dir on free ports, so nothing else shares its topics), the Confluent
// Cloud double on top of it, and a copy of the sample catalog whose only Terraform environment is
// the confluent-double one. Stacks are synthesized from that copy and applied with the real
// terraform CLI and the real Confluent provider (or with the cdktf CLI).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadCatalog } from '../../catalog/loader';
import type { Catalog } from '../../catalog/model';
import { KafkajsAdmin } from '../../reconciler/cluster/kafka-admin';
import { startCloudDouble } from '../../scripts/cloud-double/server';
import type { CloudDouble } from '../../scripts/cloud-double/server';
import { freePort } from '../../scripts/local/ports';
import { ADMIN_USER, down, readCredentials, saslFor, up } from '../../scripts/local/stack';
import type { LocalStackInfo } from '../../scripts/local/stack';
import { doubleTerraformEnv } from '../../scripts/cloud-double/service';
import { runTerraform } from '../../scripts/providers/terraform';
import type { TerraformRun } from '../../scripts/providers/terraform';
import { buildStacks } from '../../stacks/app';
import { REPO_ROOT } from '../../shared/repo-root';
import { catalogFixture } from './catalog-fixture';

export const SANDBOX_ENV = 'sandbox';

export interface Sandbox {
  /** The catalog copy; edit its files, then `synth()`. */
  readonly root: string;
  readonly outdir: string;
  readonly stack: LocalStackInfo;
  readonly double: CloudDouble;
  /** What Terraform needs to reach the double: Cloud API key, endpoint, CLI config. */
  readonly env: NodeJS.ProcessEnv;
  /** Loads the catalog copy and synthesizes its confluent-double environment's stacks. */
  synth(): Catalog;
  /** Runs terraform in a synthesized stack's directory. */
  terraform(stack: string, args: string[], timeoutMs?: number): Promise<TerraformRun>;
  /** Runs the cdktf CLI in the catalog copy (its cdktf.json runs the repository's main.ts). */
  cdktf(args: string[], timeoutMs?: number): Promise<TerraformRun>;
  /** A super-user admin client of the private broker. */
  admin(): KafkajsAdmin;
  /** Edits a YAML file of the catalog copy. */
  editYaml(file: string, edit: (doc: Record<string, unknown>) => void): void;
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** Whether the environment is `protected: true` (prevent_destroy on cluster, keys, topics). */
  readonly protectedEnvironment?: boolean;
  readonly log?: (message: string) => void;
}

export async function openSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const root = catalogFixture();
  const stackRoot = mkdtempSync(join(tmpdir(), 'streamplane-sandbox-stack-'));
  const log = options.log ?? (() => undefined);
  const outdir = join(root, 'cdktf.out');
  const editYaml = (file: string, edit: (doc: Record<string, unknown>) => void): void => {
    const path = join(root, file);
    const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    edit(doc);
    writeFileSync(path, stringify(doc));
  };
  // Only the double's environment is provisioned by Terraform here: the cloud ones become local
  // (their per-topic overrides stay valid, and `cdktf destroy '*'` means the double's stacks).
  editYaml('platform.yaml', (doc) => {
    const envs = doc.environments as Record<string, Record<string, unknown>>;
    for (const [name, spec] of Object.entries(envs)) {
      if (name === SANDBOX_ENV) spec.protected = options.protectedEnvironment ?? false;
      else if (spec.kind === undefined || spec.kind === 'confluent-cloud') {
        envs[name] = { kind: 'local', replicationFactor: spec.replicationFactor ?? 3 };
      }
    }
  });
  writeFileSync(
    join(root, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: `node --import ${require.resolve('tsx').replace(/loader\.cjs$/, 'loader.mjs')} ${join(REPO_ROOT, 'main.ts')}`,
      projectId: 'streamplane-sandbox-test',
      sendCrashReports: 'false',
      terraformProviders: [],
      terraformModules: [],
      context: {},
    }),
  );

  const ports = {
    kafka: await freePort(),
    controller: await freePort(),
    registry: await freePort(),
  };
  const stack = await up({ root: stackRoot, ports, log });
  // The double is the cluster's REST proxy: it reaches the broker as the super user, as do tests.
  const kafka = {
    brokers: [stack.bootstrap],
    sasl: saslFor(readCredentials(stack.credentialsFile), ADMIN_USER),
  };
  let double: CloudDouble | undefined;
  try {
    double = await startCloudDouble({ port: 0, kafka, registryUrl: stack.registryUrl });
  } catch (err) {
    await down({ root: stackRoot });
    throw err;
  }
  const d = double;
  const env = doubleTerraformEnv(d.url, d.cloudApiKey);
  return {
    root,
    outdir,
    stack,
    double: d,
    env,
    synth() {
      const result = loadCatalog(root);
      if (!result.catalog)
        throw new Error(`the sandbox catalog does not load: ${JSON.stringify(result.diagnostics)}`);
      buildStacks(result.catalog, { outdir, environments: [SANDBOX_ENV] }).app.synth();
      return result.catalog;
    },
    terraform: (name, args, timeoutMs = 600_000) =>
      runTerraform(args, join(outdir, 'stacks', name), timeoutMs, env),
    cdktf: (args, timeoutMs = 900_000) =>
      new Promise((resolve) => {
        execFile(
          join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'),
          args,
          {
            cwd: root,
            env: { ...process.env, ...env, CI: 'true' },
            timeout: timeoutMs,
            maxBuffer: 64 * 1024 * 1024,
          },
          (error, stdout, stderr) =>
            resolve({
              code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
              stdout,
              stderr,
            }),
        );
      }),
    admin: () => new KafkajsAdmin(kafka),
    editYaml,
    async close() {
      await d.close();
      await down({ root: stackRoot });
      rmSync(stackRoot, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
