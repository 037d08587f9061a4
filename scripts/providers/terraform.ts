// Runs the pinned Terraform CLI against the local provider mirror built by
// scripts/providers/build.sh. Used by generate-bindings.ts and by the stacks tests
// (`terraformValidate(stackDir)` on a synthesized cdktf stack directory).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sourceDir } from '../../shared/repo-root';

/** Root of the cache build.sh fills (overridable with STREAMPLANE_TF_CACHE, as in build.sh). */
export function terraformCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STREAMPLANE_TF_CACHE ?? join(homedir(), '.cache', 'streamplane', 'terraform');
}

/** The CLI config build.sh writes (filesystem mirror + plugin cache). */
export function terraformCliConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(terraformCacheDir(env), 'terraformrc');
}

/** The pinned terraform binary build.sh installed (or linked), falling back to PATH. */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  const cached = join(terraformCacheDir(env), 'bin', 'terraform');
  return existsSync(cached) ? cached : 'terraform';
}

/** Whether build.sh has run on this machine (CLI config present). */
export function providersInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(terraformCliConfigFile(env));
}

/** Pinned versions from scripts/providers/versions.env (KEY=value lines, optional quotes). */
export function pinnedVersions(): Record<string, string> {
  const text = readFileSync(join(sourceDir(__dirname), 'versions.env'), 'utf8');
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/**
 * Environment for running terraform offline against the mirror: CLI config, no prompts,
 * no checkpoint calls, and plugin-cache reuse even before a lock file exists.
 */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    TF_CLI_CONFIG_FILE: terraformCliConfigFile(base),
    TF_PLUGIN_CACHE_DIR: join(terraformCacheDir(base), 'plugin-cache'),
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
}

export interface TerraformRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs terraform with terraformEnv() (plus `env`) in `cwd`; never throws on a non-zero exit. */
export function runTerraform(
  args: string[],
  cwd: string,
  timeoutMs = 300_000,
  env: NodeJS.ProcessEnv = {},
): Promise<TerraformRun> {
  return new Promise((resolve, reject) => {
    execFile(
      terraformBinary(),
      args,
      { cwd, env: { ...terraformEnv(), ...env }, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`terraform ${args.join(' ')} could not run: ${error.message}`));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

interface ValidateJson {
  valid: boolean;
  diagnostics?: { severity: string; summary: string; detail?: string; address?: string }[];
}

/**
 * `terraform init -backend=false` then `terraform validate -json` in a synthesized stack dir
 * (e.g. cdktf.out/stacks/<name>). `ok` is true only when init succeeds and validate reports
 * a valid configuration; `output` has init errors or the validate diagnostics, readable.
 */
export async function terraformValidate(
  stackDir: string,
): Promise<{ ok: boolean; output: string }> {
  if (!providersInstalled()) {
    return {
      ok: false,
      output: `no Terraform CLI config at ${terraformCliConfigFile()}: run scripts/providers/build.sh first`,
    };
  }
  const init = await runTerraform(
    ['init', '-backend=false', '-input=false', '-no-color'],
    stackDir,
  );
  if (init.code !== 0) {
    return { ok: false, output: `terraform init failed:\n${init.stderr}${init.stdout}` };
  }
  const validate = await runTerraform(['validate', '-json', '-no-color'], stackDir);
  let parsed: ValidateJson;
  try {
    parsed = JSON.parse(validate.stdout) as ValidateJson;
  } catch {
    return {
      ok: false,
      output: `terraform validate failed:\n${validate.stderr}${validate.stdout}`,
    };
  }
  const lines = (parsed.diagnostics ?? []).map(
    (d) =>
      `${d.severity}: ${d.summary}${d.address ? ` (${d.address})` : ''}${d.detail ? `: ${d.detail}` : ''}`,
  );
  return { ok: parsed.valid && validate.code === 0, output: lines.join('\n') };
}
