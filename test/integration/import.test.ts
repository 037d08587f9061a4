// The importer against the real local broker and registry: a cluster populated out of band
// (topics with configs, ACLs of several principals, Avro, JSON Schema and Protobuf schemas with
// references) is imported into an empty directory; the catalog validates, the reconciler's plan
// against the same cluster is in sync, what cannot be expressed is reported, and a second import
// changes nothing.
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumeGrants, produceGrants, userPrincipal } from '../../catalog/access';
import type { App } from '../../catalog/model';
import { validateCatalog } from '../../catalog/validate';
import { main as importMain } from '../../importer/cli';
import { loadDesired } from '../../reconciler/catalog-source';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { openClients } from '../../reconciler/cluster/clients';
import type { Connection } from '../../reconciler/cluster/connection';
import { localConnection } from '../../reconciler/cluster/connection';
import type { AclBinding } from '../../reconciler/cluster/types';
import { readAndPlan } from '../../reconciler/reconcile';
import { removeDomainResources, uniqueDomain } from '../support/reconciler-fixture';
import { allowBinding } from '../support/acl';

const d = uniqueDomain('itimp');
const other = uniqueDomain('itimpo');
const ns = `com.acme.${d}`;

const app = (domain: string, name: string, transactional = false): App => ({
  id: `${domain}/${name}`,
  domain,
  name,
  description: name,
  transactional,
  principal: `${domain}.${name}`,
  prefix: `${domain}.${name}.`,
});
const writer = app(d, 'writer', true);
const reader = app(d, 'reader');
const auditor = app(other, 'auditor');

const topics = {
  payments: `${d}.payments.v1`,
  shipments: `${d}.shipments.v1`,
  customers: `${d}.customers.v2`,
  legacy: `${d}.Legacy_Events`,
};

function binding(g: ReturnType<typeof produceGrants>[number], principal: string): AclBinding {
  return allowBinding(principal, g.resourceType, g.resourceName, g.operation, g.patternType);
}

async function runImport(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const write = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
  const error = jest.spyOn(console, 'error').mockImplementation((m: string) => {
    chunks.push(m);
  });
  try {
    return { code: await importMain(args), out: chunks.join('') };
  } finally {
    write.mockRestore();
    error.mockRestore();
  }
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const p = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, p)).isDirectory()) walk(p);
      else out[p] = readFileSync(join(dir, p), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('npm run import on the local stack', () => {
  let connection: Connection;
  let clients: OpenClients;
  let root: string;

  beforeAll(async () => {
    connection = localConnection();
    clients = await openClients(connection);
    root = mkdtempSync(join(tmpdir(), 'streamplane-import-'));
    const r = await clients.admin.createTopics([
      {
        name: topics.payments,
        partitions: 2,
        replicationFactor: 1,
        config: {
          'cleanup.policy': 'delete',
          'retention.ms': '259200000',
          'min.insync.replicas': '1',
        },
      },
      {
        name: topics.shipments,
        partitions: 1,
        replicationFactor: 1,
        config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
      },
      {
        name: topics.customers,
        partitions: 3,
        replicationFactor: 1,
        config: {
          'cleanup.policy': 'delete',
          'retention.ms': '604800000',
          'retention.bytes': '536870912',
        },
      },
      {
        name: topics.legacy,
        partitions: 1,
        replicationFactor: 1,
        config: {
          'cleanup.policy': 'compact,delete',
          'retention.ms': '3600000',
          'compression.type': 'lz4',
        },
      },
    ]);
    expect(r.filter(Boolean)).toEqual([]);
    const grants = [
      ...produceGrants(topics.payments, writer),
      ...produceGrants(topics.legacy, writer),
      ...consumeGrants(topics.payments, reader),
      ...consumeGrants(topics.shipments, reader),
      ...produceGrants(topics.shipments, reader),
      ...consumeGrants(topics.customers, auditor),
    ];
    const acls: AclBinding[] = grants.map((g) =>
      binding(g, userPrincipal(g.app.replace('/', '.'))),
    );
    const odd: AclBinding[] = [
      {
        ...binding(grants[0] as never, userPrincipal('outsider')),
        permission: 'DENY',
        operation: 'READ',
      },
      { ...binding(grants[0] as never, userPrincipal('*')), operation: 'READ' },
      { ...binding(grants[0] as never, userPrincipal('legacy-svc')), operation: 'READ' },
    ];
    expect((await clients.admin.createAcls([...acls, ...odd])).filter(Boolean)).toEqual([]);

    const reg = clients.registry;
    await reg.register(`${d}.types.money`, {
      schemaType: 'AVRO',
      references: [],
      schema: JSON.stringify({
        type: 'record',
        name: 'Money',
        namespace: ns,
        fields: [
          { name: 'amount', type: 'string' },
          { name: 'currency', type: 'string' },
        ],
      }),
    });
    await reg.register(`${topics.payments}-value`, {
      schemaType: 'AVRO',
      references: [{ name: `${ns}.Money`, subject: `${d}.types.money`, version: 1 }],
      schema: JSON.stringify({
        type: 'record',
        name: 'Payment',
        namespace: ns,
        fields: [
          { name: 'id', type: 'string' },
          { name: 'amount', type: `${ns}.Money` },
        ],
      }),
    });
    await reg.setCompatibility(`${topics.payments}-value`, 'FULL');
    await reg.register(`${d}.types.point`, {
      schemaType: 'PROTOBUF',
      references: [],
      schema: `syntax = "proto3";\npackage acme.${d};\n\nmessage Point {\n  double lat = 1;\n  double lon = 2;\n}\n`,
    });
    await reg.register(`${topics.shipments}-value`, {
      schemaType: 'PROTOBUF',
      references: [{ name: 'types/point.proto', subject: `${d}.types.point`, version: 1 }],
      schema: `syntax = "proto3";\npackage acme.${d};\n\nimport "types/point.proto";\n\nmessage Shipment {\n  string id = 1;\n  Point at = 2;\n}\n`,
    });
    await reg.register(`${d}.types.address`, {
      schemaType: 'JSON',
      references: [],
      schema: JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'Address',
        type: 'object',
        properties: { city: { type: 'string' } },
      }),
    });
    await reg.register(`${topics.customers}-value`, {
      schemaType: 'JSON',
      references: [{ name: 'types/address.json', subject: `${d}.types.address`, version: 1 }],
      schema: JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'Customer',
        type: 'object',
        properties: { id: { type: 'string' }, address: { $ref: 'types/address.json' } },
        required: ['id'],
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await removeDomainResources(clients.admin, d);
    await removeDomainResources(clients.admin, other);
    const stray = (await clients.admin.describeAcls()).filter((a) =>
      [userPrincipal('outsider'), userPrincipal('*'), userPrincipal('legacy-svc')].includes(
        a.principal,
      ),
    );
    await clients.admin.deleteAcls(stray);
    await clients.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('imports a valid catalog that plans in sync, and reports what it cannot express', async () => {
    const { code, out } = await runImport(['--env', 'local', '--out', root, '--domain', d]);
    expect(code).toBe(0);
    const v = validateCatalog(root, { cache: false });
    expect(v.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);

    const { plan } = await readAndPlan(loadDesired(root, 'local', connection.naming), clients);
    expect(plan.commands.map((c) => c.resource)).toEqual([]);
    expect(plan.refusals.filter((r) => r.drift)).toEqual([]);
    expect(plan.inSync).toBe(true);

    const domainFile = readFileSync(join(root, 'topics', `${d}.yaml`), 'utf8');
    expect(domainFile).toMatch(/retention: 3d/);
    expect(domainFile).toMatch(/retentionSize: 512MiB/);
    expect(domainFile).toContain(`name: ${topics.legacy}`);
    expect(domainFile).toMatch(/compatibility: FULL/);
    expect(domainFile).toMatch(/transactional: true/);
    expect(readFileSync(join(root, 'topics', `${other}.yaml`), 'utf8')).toMatch(/auditor:/);
    for (const f of [
      `schemas/${d}/payments.avsc`,
      `schemas/${d}/types/money.avsc`,
      `schemas/${d}/shipments.proto`,
      `schemas/${d}/types/point.proto`,
      `schemas/${d}/customers.v2.json`,
      `schemas/${d}/types/address.json`,
    ])
      expect(existsSync(join(root, f))).toBe(true);
    expect(readFileSync(join(root, 'platform.yaml'), 'utf8')).toMatch(/- compression.type/);

    const report = readFileSync(join(root, 'import-report.local.md'), 'utf8');
    expect(out).toContain(report);
    expect(report).toMatch(/DENY User:outsider READ TOPIC:.*DENY ACLs cannot be expressed/);
    expect(report).toMatch(/ALLOW User:\* READ .*wildcard/);
    expect(report).toMatch(/User:legacy-svc.*has no app/);
  }, 60_000);

  it('a second import into the catalog changes nothing', async () => {
    // The report is rewritten on every run; the catalog must not be.
    const catalogOnly = (files: Record<string, string>): Record<string, string> =>
      Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith('import-report')));
    const before = catalogOnly(snapshot(root));
    const { code, out } = await runImport(['--env', 'local', '--out', root, '--domain', d]);
    expect(code).toBe(0);
    expect(out).toMatch(/0 file\(s\) written/);
    expect(catalogOnly(snapshot(root))).toEqual(before);
  }, 60_000);

  it('refuses bad input with a message and an exit code, never a stack trace', async () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, '{"bootstrap": ""}');
    const unreachable = join(root, 'unreachable.json');
    writeFileSync(
      unreachable,
      JSON.stringify({
        bootstrap: '127.0.0.1:1',
        ssl: false,
        registry: { url: 'http://127.0.0.1:1' },
        principals: {},
      }),
    );
    const cases: [string[], number, RegExp][] = [
      [['--out', root], 2, /--env is required/],
      [['--env', 'local', '--bogus'], 2, /Unknown option '--bogus'/],
      [['--env', 'nowhere', '--out', root], 2, /declares no environment "nowhere"/],
      [['--env', 'local', '--out', root, '--domain-pattern', '('], 2, /--domain-pattern/],
      [['--env', 'local', '--out', root, '--domain', 'Bad_Name'], 2, /kebab-case/],
      [['--env', 'local', '--out', root, '--domain-map', bad], 2, /--domain-map .*JSON object/],
      [
        ['--env', 'local', '--out', root, '--domain-map', bad, '--domain-pattern', 'x'],
        2,
        /not both/,
      ],
      [['--env', 'local', '--out', root, '--connection', bad], 1, /invalid connection settings/],
      [
        ['--env', 'local', '--out', root, '--connection', unreachable],
        1,
        /cannot connect to Kafka \(127\.0\.0\.1:1/,
      ],
      [
        ['--env', 'local', '--out', root, '--connection', join(root, 'missing.json')],
        1,
        /cannot read connection file/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const r = await runImport(args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.out).toMatch(message);
      expect(r.out).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});
