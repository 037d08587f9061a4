// Which environments the deploy workflow deploys, and what that asks of their state; the
// runtime's image references.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ciEnvironments, deployMode, terraformState } from '../../../catalog/format/platform-file';
import { loadCatalog } from '../../../catalog/loader';
import { validateCatalog } from '../../../catalog/validate';
import { REPO_ROOT } from '../../../shared/repo-root';
import { catalogFixture } from '../../support/catalog-fixture';

const SAMPLE = readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8');
const DEV_CLUSTER = '    cluster: { type: basic, availability: SINGLE_ZONE }\n';

/** The sample with `extra` lines added to the dev environment, after its cluster. */
const withDev = (...extra: string[]): string => {
  expect(SAMPLE).toContain(DEV_CLUSTER);
  return SAMPLE.replace(DEV_CLUSTER, DEV_CLUSTER + extra.map((l) => `    ${l}\n`).join(''));
};

const findings = (platform: string) =>
  validateCatalog(catalogFixture({ 'platform.yaml': platform }), { cache: false }).diagnostics.map(
    (d) => ({ rule: d.rule, file: d.file, line: d.line, message: d.message }),
  );

const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('the sample: every confluent-cloud environment is deployed by CI, with its state in S3', () => {
  const catalog = loadCatalog(REPO_ROOT).catalog;
  if (!catalog) throw new Error('the sample catalog does not load');
  const envs = catalog.platform.environments;
  expect(ciEnvironments(catalog.platform)).toEqual(['dev', 'staging', 'prod']);
  for (const name of ciEnvironments(catalog.platform)) {
    expect(terraformState(envs[name]!)).toBe('s3');
  }
  expect(deployMode(envs.sandbox!)).toBe('manual');
  expect(deployMode(envs.local!)).toBeUndefined();
});

test('state: local on an environment CI deploys is an error at the "state:" line', () => {
  const platform = withDev('state: local');
  expect(findings(platform)).toEqual([
    expect.objectContaining({
      rule: 'ci-local-state',
      file: 'platform.yaml',
      line: lineOf(platform, 'state: local'),
      message: expect.stringMatching(/deployed by the deploy workflow.*must be remote/),
    }),
  ]);
});

test('state: local is fine on an environment deployed by hand, which CI then leaves out', () => {
  const platform = withDev('state: local', 'deploy: manual');
  expect(findings(platform)).toEqual([]);
  const root = catalogFixture({ 'platform.yaml': platform });
  const catalog = loadCatalog(root).catalog!;
  expect(ciEnvironments(catalog.platform)).toEqual(['staging', 'prod']);
});

test('a confluent-double environment cannot be deployed by CI', () => {
  const platform = SAMPLE.replace(
    '    kind: confluent-double\n',
    '    kind: confluent-double\n    deploy: ci\n',
  );
  expect(findings(platform)).toEqual([
    expect.objectContaining({ rule: 'double-deploy', line: lineOf(platform, 'deploy: ci') }),
  ]);
});

test('S3 state without a "state:" section is an error per environment, not a synth crash', () => {
  const platform = SAMPLE.replace(/^state:\n( {2}.*\n)+/m, '');
  expect(platform).not.toContain('bucket:');
  const rules = findings(platform);
  expect(rules.map((f) => f.rule)).toEqual(['missing-key', 'missing-key', 'missing-key']);
  expect(rules.map((f) => f.message).join('\n')).toMatch(/"dev".*\n.*"staging".*\n.*"prod"/);
});

test('runtime images: full references with a tag or digest; defaults name both targets', () => {
  const catalog = loadCatalog(REPO_ROOT).catalog!;
  const runtime = catalog.platform.environments.staging!.runtime!;
  expect(runtime.reconcilerImage).toBe('ghcr.io/acme/streamplane-reconciler:latest');
  expect(runtime.clientAppImage).toBe('ghcr.io/acme/streamplane-clientapp:latest');
  const bad = SAMPLE.replace(
    'runtime: { namespace: streamplane, reconcilerMode: observe }',
    'runtime: { namespace: streamplane, reconcilerMode: observe, clientAppImage: "streamplane clientapp" }',
  );
  expect(findings(bad)).toEqual([expect.objectContaining({ rule: 'invalid-image' })]);
  const digest = `ghcr.io/acme/streamplane-clientapp@sha256:${'a'.repeat(64)}`;
  const good = SAMPLE.replace(
    'runtime: { namespace: streamplane, reconcilerMode: observe }',
    `runtime: { namespace: streamplane, reconcilerMode: observe, clientAppImage: "${digest}", reconcilerImage: "registry.acme.example:5000/platform/reconciler:1.4.0" }`,
  );
  expect(findings(good)).toEqual([]);
});
