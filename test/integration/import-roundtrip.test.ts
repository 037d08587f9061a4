// Property: a random small catalog (seeded), applied to the real local stack by the reconciler,
// imported back into an empty directory, says the same thing: topics (partitions and every
// config), access (every grant), apps (transactional where it shows) and subjects (format, level,
// schema). Seeds are printed on failure, so a failing case can be replayed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { aclKey } from '../../catalog/access';
import { loadCatalog } from '../../catalog/loader';
import type { Catalog } from '../../catalog/model';
import { ensurePlatformFile, importLive } from '../../importer/import';
import { readLive } from '../../importer/live';
import { topicSubjects } from '../../importer/mapping';
import { loadDesired } from '../../reconciler/catalog-source';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { openClients } from '../../reconciler/cluster/clients';
import type { Connection } from '../../reconciler/cluster/connection';
import { localConnection } from '../../reconciler/cluster/connection';
import { sameSchema } from '../../reconciler/plan/planner';
import { reconcilePass } from '../../reconciler/reconcile';
import { removeDomainResources, uniqueDomain } from '../support/reconciler-fixture';
import { seededRandom } from '../support/seeded-random';

function schemaFor(domain: string, name: string, kind: number): [string, string] {
  const ns = `com.acme.${domain}`;
  if (kind === 0)
    return [
      `${name}.avsc`,
      JSON.stringify({
        type: 'record',
        name: `R${name.replace(/-/g, '')}`,
        namespace: ns,
        fields: [{ name: 'id', type: 'string' }],
      }),
    ];
  if (kind === 1)
    return [
      `${name}.json`,
      JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { id: { type: 'string' } },
      }),
    ];
  return [
    `${name}.proto`,
    `syntax = "proto3";\npackage acme.${domain};\n\nmessage M${name.replace(/-/g, '')} {\n  string id = 1;\n}\n`,
  ];
}

/** Writes a random catalog of two domains into `root`; returns the domains. */
function randomCatalog(root: string, seed: number): string[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const some = <T>(xs: readonly T[]): T[] => xs.filter(() => r() < 0.4);
  const domains = [uniqueDomain('itprop'), uniqueDomain('itprop')];
  const apps = domains.map((d) =>
    Array.from({ length: 2 + Math.floor(r() * 3) }, (_, i) => ({
      d,
      name: `app${i}`,
      tx: r() < 0.3,
    })),
  );
  mkdirSync(join(root, 'topics'), { recursive: true });
  domains.forEach((domain, di) => {
    const all = apps.flatMap((list) =>
      list.map((a) => (a.d === domain ? a.name : `${a.d}/${a.name}`)),
    );
    const own = apps[di] ?? [];
    const topics: Record<string, unknown> = {};
    const count = 2 + Math.floor(r() * 4);
    for (let i = 0; i < count; i++) {
      const key = `topic-${i}`;
      const cleanupPolicy = pick(['delete', 'compact', 'compact,delete'] as const);
      const t: Record<string, unknown> = { description: key, partitions: 1 + Math.floor(r() * 4) };
      if (cleanupPolicy !== 'delete') t.cleanupPolicy = cleanupPolicy;
      if (r() < 0.6) t.retention = pick(['1h', '2d', '7d', '3w']);
      const config: Record<string, number> = {};
      if (r() < 0.5) config['min.insync.replicas'] = 1;
      if (r() < 0.5) config['segment.ms'] = pick([3_600_000, 86_400_000]);
      if (Object.keys(config).length) t.config = config;
      if (r() < 0.6) {
        const [file, text] = schemaFor(domain, key, Math.floor(r() * 3));
        mkdirSync(join(root, 'schemas', domain), { recursive: true });
        writeFileSync(join(root, 'schemas', domain, file), text);
        t.schema = {
          value: file,
          key: 'string',
          ...(r() < 0.3 ? { compatibility: pick(['FULL', 'NONE', 'FORWARD']) } : {}),
        };
      }
      t.producers = [pick(own.map((a) => a.name))];
      t.consumers = some(all.filter((a) => !(t.producers as string[]).includes(a)));
      topics[key] = t;
    }
    const domainFile = {
      domain,
      description: 'random',
      owners: { team: '@acme/platform-team' },
      apps: Object.fromEntries(
        own.map((a) => [a.name, { description: a.name, ...(a.tx ? { transactional: true } : {}) }]),
      ),
      topics,
    };
    writeFileSync(join(root, 'topics', `${domain}.yaml`), stringify(domainFile));
  });
  return domains;
}

/** What a catalog says about the cluster, in terms both catalogs can be compared in. */
function meaning(c: Catalog) {
  const env = c.for('local');
  const producing = new Set(env.topics.flatMap((t) => t.producers));
  const granted = new Set(env.acls.map((g) => g.app));
  return {
    topics: Object.fromEntries(
      env.topics.map((t) => [t.name, { partitions: t.partitions, config: t.config }]),
    ),
    acls: env.acls.map(aclKey).sort(),
    apps: env.apps
      .filter((a) => granted.has(a.id))
      .map((a) => `${a.id}${producing.has(a.id) && a.transactional ? ' (transactional)' : ''}`)
      .sort(),
    subjects: Object.fromEntries(
      env.subjects.map((s) => [
        s.name,
        { format: s.schema.format, compatibility: s.compatibility },
      ]),
    ),
  };
}

describe('import round trip (property, seeded)', () => {
  let connection: Connection;
  let clients: OpenClients;
  const cleanup: string[] = [];
  const domains: string[] = [];

  beforeAll(async () => {
    connection = localConnection();
    clients = await openClients(connection);
  });

  afterAll(async () => {
    for (const d of domains) await removeDomainResources(clients.admin, d);
    await clients.close();
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  for (const seed of [11, 42, 2026]) {
    test(`seed ${seed}: apply, import, same catalog`, async () => {
      const root = mkdtempSync(join(tmpdir(), 'streamplane-prop-'));
      const out = mkdtempSync(join(tmpdir(), 'streamplane-prop-out-'));
      cleanup.push(root, out);
      ensurePlatformFile(root);
      const made = randomCatalog(root, seed);
      domains.push(...made);
      const original = loadCatalog(root);
      expect(original.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const applied = await reconcilePass(loadDesired(root, 'local', connection.naming), clients, {
        mode: 'enforce',
      });
      expect(applied.state).not.toBe('failed');

      const live = await readLive(clients.admin, clients.registry, {
        wantTopic: (t) => made.some((d) => t.startsWith(`${d}.`)),
        subjectsOf: topicSubjects,
      });
      ensurePlatformFile(out);
      const existing = loadCatalog(out).model;
      if (!existing) throw new Error('no platform.yaml');
      importLive(live, { environment: 'local', out, existing, domains: made });
      const imported = loadCatalog(out);
      expect(imported.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const a = meaning(original.catalog as Catalog);
      const b = meaning(imported.catalog as Catalog);
      expect(Object.keys(a.topics).length).toBeGreaterThanOrEqual(4);
      expect(a.acls.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
      // Schemas: the same schema in each subject (formatting aside).
      for (const s of (original.catalog as Catalog).subjects) {
        const other = (imported.catalog as Catalog).subjects.find((x) => x.name === s.name);
        expect({
          subject: s.name,
          same: other && sameSchema(s.schema.format, s.schema.text, other.schema.text),
        }).toEqual({ subject: s.name, same: true });
      }
    }, 120_000);
  }
});
