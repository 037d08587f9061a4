// scripts/providers/build.sh installs the real Confluent provider from the folder beside the
// repository, and refuses a missing folder or a damaged copy by name, before building anything.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinnedVersions } from '../../../scripts/providers/terraform';
import { REPO_ROOT } from '../../../shared/repo-root';

const version = pinnedVersions().CONFLUENT_PROVIDER_VERSION ?? '';
const shared = join(REPO_ROOT, '..', 'shared', 'providers');

function build(providersDir: string) {
  const cache = mkdtempSync(join(tmpdir(), 'streamplane-tf-cache-'));
  const run = spawnSync('bash', [join(REPO_ROOT, 'scripts/providers/build.sh')], {
    env: { ...process.env, STREAMPLANE_PROVIDERS_DIR: providersDir, STREAMPLANE_TF_CACHE: cache },
    encoding: 'utf8',
  });
  return { ...run, cache };
}

test('the pinned provider is the real release in ../shared/providers', () => {
  expect(version).toBe('2.83.4');
  const sums = readFileSync(join(shared, 'confluent', version, 'SHA256SUMS'), 'utf8');
  expect(sums).toContain(`terraform-provider-confluent_v${version}_linux_amd64.gz`);
});

test('a missing provider folder is refused with its name, and nothing is installed', () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'no-providers-')), 'providers');
  const r = build(missing);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`no provider ${version} in ${missing}/confluent/${version}`);
  expect(existsSync(join(r.cache, 'terraformrc'))).toBe(false);
});

test('a damaged archive is refused by its checksum', () => {
  const copy = mkdtempSync(join(tmpdir(), 'damaged-providers-'));
  cpSync(join(shared, 'confluent'), join(copy, 'confluent'), { recursive: true });
  const archive = join(
    copy,
    'confluent',
    version,
    `terraform-provider-confluent_v${version}_linux_amd64.gz`,
  );
  const bytes = readFileSync(archive);
  bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
  writeFileSync(archive, bytes);
  const r = build(copy);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('does not match its checksum in SHA256SUMS');
  expect(existsSync(join(r.cache, 'mirror', 'registry.terraform.io', 'confluentinc'))).toBe(false);
});
