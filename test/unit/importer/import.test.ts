// The importer's mapping and writing on live state made in memory: domains, apps and roles from
// ACLs (both group/transactional-id prefix shapes), configs in human units, what is reported,
// per-environment overrides on a second import, and edits that keep what a person wrote.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/loader';
import type { Catalog } from '../../../catalog/model';
import { formatSize } from '../../../catalog/units';
import { domainRule } from '../../../importer/domains';
import type { ImportOptions } from '../../../importer/import';
import { ensurePlatformFile, importLive } from '../../../importer/import';
import type { LiveState, LiveSubject, LiveTopic } from '../../../importer/live';
import { keyFor, parseTopicName } from '../../../importer/topics';
import type { AclBinding } from '../../../reconciler/cluster/types';
import { allowBinding } from '../../support/acl';
import { catalogFixture, lines } from '../../support/catalog-fixture';

const allow = allowBinding;

const topic = (
  name: string,
  partitions: number,
  config: Record<string, string> = {},
): LiveTopic => ({
  name,
  partitions,
  replicationFactor: 1,
  config: { 'cleanup.policy': 'delete', 'retention.ms': '604800000', ...config },
});

function live(topics: LiveTopic[], acls: AclBinding[], subjects: LiveSubject[] = []): LiveState {
  return {
    topics,
    acls,
    subjectNames: subjects.map((s) => s.subject),
    subjects: new Map(subjects.map((s) => [s.subject, s])),
  };
}

const load = (root: string): Catalog => {
  const r = loadCatalog(root);
  if (!r.model) throw new Error('no model');
  return r.model;
};

function run(root: string, state: LiveState, opts: Partial<ImportOptions> = {}) {
  ensurePlatformFile(root);
  return importLive(state, { environment: 'local', out: root, existing: load(root), ...opts });
}

const errors = (root: string) =>
  loadCatalog(root)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.file}:${d.line} ${d.rule} ${d.message}`);

describe('domains and names', () => {
  test('first segment, a pattern, a map; what is outside any domain says why', () => {
    const first = domainRule();
    expect(first('orders.created.v1')).toEqual({ domain: 'orders' });
    expect(first('legacy_topic')).toMatchObject({ reason: expect.stringMatching(/no domain/) });
    expect(first('Orders.x')).toMatchObject({
      reason: expect.stringMatching(/not a valid domain/),
    });
    expect(first('__consumer_offsets')).toMatchObject({
      reason: expect.stringMatching(/internal/),
    });
    const pattern = domainRule({ pattern: /^(?<domain>[a-z]+)\./ });
    expect(pattern('billing.x')).toEqual({ domain: 'billing' });
    const map = domainRule({ map: { 'acme.orders.': 'orders', 'orders.': 'orders' } });
    expect(map('orders.x')).toEqual({ domain: 'orders' });
    expect(map('acme.orders.x')).toMatchObject({
      reason: expect.stringMatching(/start with "orders\."/),
    });
    expect(map('payments.x')).toMatchObject({ reason: expect.stringMatching(/no domain/) });
  });

  test('conventional names give key and version; others a kebab key and an explicit name', () => {
    const t = '{domain}.{name}.v{version}';
    expect(parseTopicName(t, 'orders', 'orders.order-created.v2')).toEqual({
      key: 'order-created',
      version: 2,
    });
    expect(parseTopicName(t, 'orders', 'orders.order-created.v02')).toBeUndefined();
    expect(parseTopicName(t, 'orders', 'orders.Legacy_Events')).toBeUndefined();
    expect(keyFor('orders', 'orders.Legacy_Events')).toBe('legacy-events');
    expect(keyFor('orders', 'orders.2024.audit')).toBe('t-2024-audit');
  });

  test('sizes in their shortest exact unit', () => {
    expect(formatSize(536870912)).toBe('512MiB');
    expect(formatSize(1_000_000)).toBe('1MB');
    expect(formatSize(1500)).toBe('1500B');
    expect(formatSize(-1)).toBe('infinite');
  });
});

describe('import into an empty directory', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'streamplane-import-unit-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('apps, roles, configs and what cannot be expressed', () => {
    const state = live(
      [
        topic('sales.deals.v1', 6, {
          'retention.ms': '1209600000',
          'retention.bytes': '1073741824',
          'min.insync.replicas': '1',
          'segment.bytes': '104857600',
          'weird.config': 'x',
        }),
        topic('sales.leads.v1', 3),
        { name: 'sales.bare.v1', partitions: 3, replicationFactor: 1, config: {} },
        topic('nodomain', 1),
      ],
      [
        allow('User:sales.crm', 'TOPIC', 'sales.deals.v1', 'WRITE'),
        allow('User:sales.crm', 'TOPIC', 'sales.deals.v1', 'DESCRIBE'),
        allow('User:sales.crm', 'TRANSACTIONAL_ID', 'sales.crm', 'WRITE', 'PREFIXED'),
        allow('User:sales.crm', 'TRANSACTIONAL_ID', 'sales.crm', 'DESCRIBE', 'PREFIXED'),
        // the new shape of the group prefix, ending with the separator
        allow('User:sa-123', 'TOPIC', 'sales.deals.v1', 'READ'),
        allow('User:sa-123', 'TOPIC', 'sales.deals.v1', 'DESCRIBE'),
        allow('User:sa-123', 'GROUP', 'billing.invoicer.', 'READ', 'PREFIXED'),
        // a reader without its group ACL: the catalog adds it
        allow('User:sales.scout', 'TOPIC', 'sales.leads.v1', 'READ'),
        allow('User:sales.scout', 'TOPIC', 'sales.leads.v1', 'DESCRIBE'),
        // describe-only: the catalog cannot grant it
        allow('User:sales.viewer', 'TOPIC', 'sales.leads.v1', 'DESCRIBE'),
        { ...allow('User:sales.crm', 'TOPIC', 'sales.leads.v1', 'READ'), permission: 'DENY' },
        allow('User:*', 'TOPIC', 'sales.leads.v1', 'READ'),
        allow('User:sales.crm', 'TOPIC', 'sales.', 'WRITE', 'PREFIXED'),
        allow('User:nobody', 'TOPIC', 'sales.leads.v1', 'READ'),
        { ...allow('User:sales.scout', 'TOPIC', 'sales.leads.v1', 'WRITE'), host: '10.0.0.1' },
        allow('User:sales.crm', 'CLUSTER', 'kafka-cluster', 'IDEMPOTENT_WRITE'),
      ],
    );
    const { text } = run(root, state, {
      principals: { 'billing/invoicer': 'User:sa-123' },
      external: true,
    });
    const sales = readFileSync(join(root, 'topics/sales.yaml'), 'utf8');
    expect(sales).toMatch(/crm:\n\s+description: .*\n\s+transactional: true/);
    expect(sales).toMatch(
      /deals:\n(.*\n)*?\s+partitions: 6\n\s+retention: 2w\n\s+retentionSize: 1GiB\n\s+config: \{ ?min.insync.replicas: 1, segment.bytes: 104857600 ?\}/,
    );
    expect(sales).toMatch(/producers: \[ ?crm ?\]\n\s+consumers: \[ ?billing\/invoicer ?\]/);
    expect(sales).not.toMatch(/weird/);
    expect(readFileSync(join(root, 'topics/billing.yaml'), 'utf8')).toMatch(/invoicer:/);
    expect(readFileSync(join(root, 'platform.yaml'), 'utf8')).toMatch(/- segment.bytes/);
    expect(text).toMatch(/topic nodomain: no domain/);
    expect(text).toMatch(/weird.config=x: a config the catalog does not know/);
    expect(text).toMatch(/topic sales.bare.v1: cleanup.policy is the broker default/);
    expect(text).toMatch(/topic sales.bare.v1: retention.ms is the broker default/);
    expect(text).toMatch(/DENY User:sales.crm READ TOPIC:sales.leads.v1: DENY ACLs/);
    expect(text).toMatch(/ALLOW User:\* READ TOPIC:sales.leads.v1: wildcard/);
    expect(text).toMatch(/TOPIC:sales.\*: prefixed topic ACL/);
    expect(text).toMatch(/User:nobody READ .*has no app/);
    expect(text).toMatch(/from 10.0.0.1: host-restricted/);
    expect(text).toMatch(/CLUSTER ACL/);
    expect(text).toMatch(
      /User:sales.viewer DESCRIBE TOPIC:sales.leads.v1: the catalog does not grant it.*deletes it/,
    );
    expect(text).toMatch(
      /ALLOW User:sales.scout READ GROUP:sales\.scout\.\*: .*first apply adds it/,
    );
    expect(text).not.toMatch(/GROUP:billing.invoicer/);
    expect(text).toMatch(
      /app sales\/crm: named after its principal User:sales.crm: add "sales\/crm"/,
    );
    expect(text).not.toMatch(/app billing\/invoicer: named after/);
    expect(errors(root)).toEqual([]);
  });

  test('schemas in their format, references where the catalog resolves them', () => {
    const subject = (
      s: Partial<LiveSubject> & Pick<LiveSubject, 'subject' | 'schema' | 'schemaType'>,
    ): LiveSubject => ({
      version: 1,
      id: 1,
      references: [],
      compatibility: 'BACKWARD',
      ...s,
    });
    const state = live(
      [topic('geo.places.v1', 3), topic('geo.routes.v1', 3)],
      [],
      [
        subject({
          subject: 'geo.common.latlon',
          schemaType: 'PROTOBUF',
          schema: 'syntax = "proto3";\npackage geo;\nmessage LatLon { double lat = 1; }\n',
          version: 2,
        }),
        subject({
          subject: 'geo.places.v1-value',
          schemaType: 'PROTOBUF',
          compatibility: 'FULL_TRANSITIVE',
          schema:
            'syntax = "proto3";\npackage geo;\nimport "common/latlon.proto";\nmessage Place { LatLon at = 1; }\n',
          references: [{ name: 'common/latlon.proto', subject: 'geo.common.latlon', version: 1 }],
        }),
        subject({
          subject: 'geo.places.v1-key',
          schemaType: 'AVRO',
          schema: '"string"',
          compatibility: 'NONE',
        }),
        subject({ subject: 'OddName', schemaType: 'JSON', schema: '{"type":"object"}' }),
        subject({
          subject: 'geo.routes.v1-value',
          schemaType: 'JSON',
          schema: '{"type":"object","properties":{"a":{"$ref":"odd.json"}}}',
          references: [{ name: 'odd.json', subject: 'OddName', version: 1 }],
        }),
        subject({ subject: 'geo.orphan', schemaType: 'AVRO', schema: '"int"' }),
      ],
    );
    const { text, plan } = run(root, state);
    expect([...plan.files.keys()].sort()).toEqual([
      'schemas/geo/common/latlon.proto',
      'schemas/geo/odd.json',
      'schemas/geo/places-key.avsc',
      'schemas/geo/places.proto',
      'schemas/geo/routes.json',
    ]);
    const geo = readFileSync(join(root, 'topics/geo.yaml'), 'utf8');
    expect(geo).toMatch(
      /schema: \{ ?value: places.proto, key: places-key.avsc, compatibility: FULL_TRANSITIVE ?\}/,
    );
    expect(text).toMatch(/references geo.common.latlon version 1, not its latest \(2\)/);
    expect(text).toMatch(/subject geo.places.v1-key: compatibility NONE differs/);
    expect(text).toMatch(
      /subject OddName: referenced as "odd.json"; the catalog registers schemas\/geo\/odd.json as subject geo.odd/,
    );
    expect(text).toMatch(/subject geo.orphan: belongs to no imported topic/);
  });
});

describe('import into an existing catalog', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const orders = lines(
    'domain: orders',
    'description: Orders # a person wrote this',
    'owners: { team: "@acme/orders" }',
    'apps:',
    '  order-service:',
    '    description: Takes orders',
    '  order-projector:',
    '    description: Builds read models',
    'topics:',
    '  order-created:   # the big one',
    '    description: An order was placed',
    '    partitions: 6',
    '    retention: 14d',
    '    producers: [order-service]',
    '    consumers: [order-projector]',
  );
  const acls = (topicName: string): AclBinding[] => [
    allow('User:orders.order-service', 'TOPIC', topicName, 'WRITE'),
    allow('User:orders.order-service', 'TOPIC', topicName, 'DESCRIBE'),
    allow('User:orders.order-projector', 'TOPIC', topicName, 'READ'),
    allow('User:orders.order-projector', 'TOPIC', topicName, 'DESCRIBE'),
    allow('User:orders.order-projector', 'GROUP', 'orders.order-projector', 'READ', 'PREFIXED'),
  ];
  const setup = (): void => {
    root = catalogFixture({
      'topics/orders.yaml': orders,
      'topics/payments.yaml': null,
      'topics/shipping.yaml': null,
      'topics/platform.yaml': null,
      schemas: null,
      '.github/CODEOWNERS': null,
    });
  };

  test('the same cluster changes nothing; a second environment adds its overrides only', () => {
    setup();
    const same = live(
      [topic('orders.order-created.v1', 6, { 'retention.ms': '1209600000' })],
      acls('orders.order-created.v1'),
    );
    const first = run(root, same);
    // The group prefix without its separator (clusters set up before it) maps to the app; the
    // report says the first apply replaces it with the catalog's.
    expect(first.text).toMatch(/GROUP:orders\.order-projector\*: the catalog does not grant it/);
    expect(first.text).toMatch(/GROUP:orders\.order-projector\.\*: .*first apply adds it/);
    expect(readFileSync(join(root, 'topics/orders.yaml'), 'utf8')).toBe(orders);
    expect(first.files.filter((f) => f.startsWith('topics/'))).toEqual([]);

    const dev = live(
      [
        topic('orders.order-created.v1', 2, {
          'retention.ms': '86400000',
          'min.insync.replicas': '2',
        }),
        topic('orders.order-cancelled.v1', 3),
      ],
      [
        ...acls('orders.order-created.v1'),
        ...acls('orders.order-cancelled.v1'),
        allow('User:orders.auditor', 'TOPIC', 'orders.order-created.v1', 'READ'),
        allow('User:orders.auditor', 'TOPIC', 'orders.order-created.v1', 'DESCRIBE'),
        allow('User:orders.auditor', 'GROUP', 'orders.auditor', 'READ', 'PREFIXED'),
      ],
    );
    const { text } = run(root, dev, { environment: 'dev' });
    const after = readFileSync(join(root, 'topics/orders.yaml'), 'utf8');
    expect(after.startsWith(orders.split('\n').slice(0, 8).join('\n'))).toBe(true);
    expect(after).toContain('description: Orders # a person wrote this');
    expect(after).toContain('order-created:   # the big one');
    expect(after).toMatch(
      /environments:\n\s+dev: \{ ?partitions: 2, retention: 1d, config: \{ ?min.insync.replicas: 2 ?\} ?\}/,
    );
    expect(after).toMatch(/consumers: \[order-projector, auditor\]/);
    expect(after).toMatch(/order-cancelled:\n/);
    expect(after).toMatch(/auditor:\n\s+description/);
    expect(text).toMatch(/Added/);
    expect(errors(root)).toEqual([]);

    // Again: nothing more to add.
    const again = run(root, dev, { environment: 'dev' });
    expect(again.files.filter((f) => f.startsWith('topics/'))).toEqual([]);
    expect(readFileSync(join(root, 'topics/orders.yaml'), 'utf8')).toBe(after);
  });

  test('a value the catalog says differently is kept and reported; --overwrite replaces it', () => {
    setup();
    const withOverride = orders.replace(
      '    retention: 14d\n',
      '    retention: 14d\n    environments:\n      dev: { partitions: 4 }\n',
    );
    writeFileSync(join(root, 'topics/orders.yaml'), withOverride);
    const dev = live(
      [topic('orders.order-created.v1', 2, { 'retention.ms': '1209600000' })],
      acls('orders.order-created.v1'),
    );
    const kept = run(root, dev, { environment: 'dev' });
    expect(readFileSync(join(root, 'topics/orders.yaml'), 'utf8')).toBe(withOverride);
    expect(kept.text).toMatch(/Kept as the catalog says[^]*dev has 2 partitions/);
    const replaced = run(root, dev, { environment: 'dev', overwrite: true });
    expect(readFileSync(join(root, 'topics/orders.yaml'), 'utf8')).toMatch(
      /dev: \{ ?partitions: 2 ?\}/,
    );
    expect(replaced.text).toMatch(/Overwritten/);
  });
});
