// scripts/pr-comment.ts: the catalog PR's comment from its fixtures, and its one-comment upsert.
// The plans are real `terraform show -json` output (Terraform 1.11.4, terraform_data resources
// keyed like a domain stack's topics): domain-orders-dev.json creates, updates, destroys and
// replaces one topic each and leaves one alone; platform-dev.json has no changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../catalog/loader';
import type { Catalog } from '../../catalog/model';
import {
  MARKER,
  MAX_BODY,
  affectedBySchemaChanges,
  readPlans,
  renderAffected,
  renderComment,
  renderPlans,
  renderValidation,
  summarizePlan,
  upsertComment,
} from '../../scripts/pr-comment';
import type { TerraformPlan, ValidationReport } from '../../scripts/pr-comment';
import { REPO_ROOT } from '../../shared/repo-root';
import { catalogFixture } from '../support/catalog-fixture';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/pr-comment');
const plan = (name: string): TerraformPlan =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as TerraformPlan;
const topic = (name: string): string => `terraform_data.topic["${name}"]`;

describe('plans', () => {
  test('a create, an update, a destroy and a replace; no-ops and reads are left out', () => {
    expect(summarizePlan('domain-orders-dev', plan('domain-orders-dev'))).toEqual({
      stack: 'domain-orders-dev',
      creates: [topic('orders.order-returned.v1')],
      updates: [topic('orders.order-created.v1')],
      deletes: [topic('orders.order-legacy.v1')],
      replaces: [
        {
          address: topic('orders.order-status.v1'),
          because: 'triggers_replace changed: an attribute that cannot change in place',
        },
      ],
    });
    expect(summarizePlan('platform-dev', plan('platform-dev'))).toMatchObject({
      creates: [],
      updates: [],
      deletes: [],
      replaces: [],
    });
  });

  test('counted as terraform counts (a replace adds and destroys), destroys and replaces called out', () => {
    const text = renderPlans(readPlans(FIXTURES), 'dev');
    expect(text).toContain('### Terraform plan for `dev`');
    // Terraform's own line for this plan: "Plan: 2 to add, 1 to change, 2 to destroy."
    expect(text).toContain('| `domain-orders-dev` | 2 | 1 | **2** | **1** |');
    expect(text).toContain('| `platform-dev` | 0 | 0 | 0 | 0 |');
    expect(text).toMatch(
      /> \[!CAUTION\]\n> \*\*Destroyed\*\*.*\n> - `domain-orders-dev`:\n> {3}- `terraform_data\.topic\["orders\.order-legacy\.v1"\]`/,
    );
    expect(text).toMatch(
      /> \[!WARNING\]\n> \*\*Replaced\*\*.*\n> - `domain-orders-dev`:\n> {3}- `terraform_data\.topic\["orders\.order-status\.v1"\]`: triggers_replace changed/,
    );
    expect(text).not.toContain('No changes');
    expect(renderPlans(readPlans(FIXTURES).slice(1), 'dev')).toContain('No changes');
  });

  test('no plans: says why', () => {
    expect(renderPlans(undefined, 'dev', 'No credentials for plans.')).toBe(
      '### Terraform plan for `dev`\n\nNo credentials for plans.',
    );
  });

  test('anything but a plan is refused', () => {
    expect(() => summarizePlan('x', { format_version: '0.1' })).toThrow(/not a terraform show/);
  });
});

describe('schema changes', () => {
  const load = (files: Record<string, string | null> = {}): Catalog => {
    const c = loadCatalog(catalogFixture(files)).catalog;
    if (!c) throw new Error('fixture does not load');
    return c;
  };
  const base = load();
  const edit = (path: string, from: string, to: string): Record<string, string> => {
    const text = readFileSync(join(REPO_ROOT, path), 'utf8');
    expect(text).toContain(from);
    return { [path]: text.replace(from, to) };
  };

  test('nothing changed: nothing affected', () => {
    expect(affectedBySchemaChanges(base, load())).toEqual([]);
  });

  test('a changed subject: its topic’s consumers, with their owners', () => {
    const head = load(
      edit(
        'schemas/payments/payment-authorized.json',
        '"authorizedAt": { "type": "string", "format": "date-time" }',
        '"authorizedAt": { "type": "string", "format": "date-time" }, "note": { "type": "string" }',
      ),
    );
    expect(affectedBySchemaChanges(base, head)).toEqual([
      {
        subject: 'payments.payment-authorized.v1-value',
        change: 'changed',
        through: [],
        topics: [
          {
            topic: 'payments.payment-authorized.v1',
            consumers: [
              { app: 'payments/refund-worker', owner: '@acme/payments' },
              { app: 'shipping/shipment-service', owner: '@acme/shipping' },
            ],
          },
        ],
      },
    ]);
  });

  test('a changed referenced schema reaches the consumers of every subject using it', () => {
    const head = load(
      edit(
        'schemas/orders/types/money.avsc',
        '{ "name": "amountMinor", "type": "long" },',
        '{ "name": "amountMinor", "type": "long" },\n    { "name": "scale", "type": "int", "default": 2 },',
      ),
    );
    const affected = affectedBySchemaChanges(base, head);
    expect(affected.map((a) => [a.subject, a.through])).toEqual([
      ['orders.order-created.v1-value', ['orders.types.money']],
    ]);
    const text = renderAffected(affected);
    expect(text).toContain(
      '| `orders.order-created.v1-value` | changed (through `orders.types.money`) | `orders.order-created.v1` | `orders/order-projector` (@acme/orders), `payments/payment-service` (@acme/payments) |',
    );
    expect(text).toContain("Consumers' owners to tell: @acme/orders, @acme/payments");
  });

  test('a new topic’s schema reaches no one yet', () => {
    const orders = readFileSync(join(REPO_ROOT, 'topics/orders.yaml'), 'utf8');
    const head = load({
      'topics/orders.yaml': `${orders}\n  order-cancelled:\n    description: An order was cancelled\n    schema: { value: order-status.avsc, key: string }\n    producers: [order-service]\n    consumers: [order-projector]\n`,
    });
    expect(affectedBySchemaChanges(base, head)).toEqual([]);
  });
});

describe('the comment', () => {
  const report: ValidationReport = {
    ok: false,
    errors: 1,
    warnings: 1,
    diagnostics: [
      {
        file: 'topics/orders.yaml',
        line: 3,
        col: 5,
        severity: 'warning',
        rule: 'no-consumers',
        message: 'nobody | reads it',
      },
      {
        file: 'schemas/orders/order-created.avsc',
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'schema-incompatible',
        message: 'not BACKWARD compatible',
        hint: 'add fields with defaults',
      },
    ],
  };

  test('validation: errors first, positioned, table-safe', () => {
    const text = renderValidation(report);
    expect(text.split('\n').slice(0, 6)).toEqual([
      '### ❌ Validation: 1 error, 1 warning',
      '',
      '|  | where | rule | finding |',
      '| --- | --- | --- | --- |',
      '| ❌ | `schemas/orders/order-created.avsc:1:1` | `schema-incompatible` | not BACKWARD compatible _(add fields with defaults)_ |',
      '| ⚠️ | `topics/orders.yaml:3:5` | `no-consumers` | nobody \\| reads it |',
    ]);
    expect(renderValidation({ ok: true, errors: 0, warnings: 0, diagnostics: [] })).toBe(
      '### ✅ Validation passed',
    );
    expect(renderValidation(undefined)).toMatch(/no report/);
  });

  test('one body with the marker, every section, and within GitHub’s size', () => {
    const body = renderComment({
      validation: report,
      plans: readPlans(FIXTURES),
      planEnvironment: 'dev',
      affected: [],
      reconcilerPlan: '**dev**: 1 to add\n',
      revision: '0123456789abcdef',
    });
    expect(body.startsWith(`${MARKER}\n\n## Catalog check for 0123456789ab\n`)).toBe(true);
    for (const section of [
      '### ❌ Validation',
      '### Apps affected by schema changes',
      '### Terraform plan for `dev`',
      '### Reconciler plan\n\n**dev**: 1 to add',
    ])
      expect(body).toContain(section);
    const huge = renderComment({
      validation: {
        ...report,
        diagnostics: Array.from({ length: 60 }, () => ({
          ...report.diagnostics[1]!,
          message: 'x'.repeat(2000),
        })),
      },
    });
    expect(huge.length).toBeLessThanOrEqual(MAX_BODY);
    expect(huge).toContain('…cut here');
    expect(huge.startsWith(MARKER)).toBe(true);
  });
});

describe('posting: one comment per pull request, edited on each push', () => {
  /** A GitHub issue-comments API in memory, behind a fetch. */
  function github(initial: { id: number; body: string }[] = []) {
    const comments = [...initial];
    const calls: string[] = [];
    let next = 1000;
    const fake = (async (url: string, init: RequestInit = {}) => {
      const u = new URL(url);
      const method = init.method ?? 'GET';
      calls.push(`${method} ${u.pathname}${u.search}`);
      expect((init.headers as Record<string, string>).Authorization).toBe('Bearer t0ken');
      const json = (status: number, value: unknown): Response =>
        new Response(JSON.stringify(value), { status });
      let m = /^\/repos\/acme\/streamplane\/issues\/7\/comments$/.exec(u.pathname);
      if (m && method === 'GET') {
        const page = Number(u.searchParams.get('page'));
        const per = Number(u.searchParams.get('per_page'));
        return json(
          200,
          comments
            .slice((page - 1) * per, page * per)
            .map((c) => ({ ...c, html_url: `c/${c.id}` })),
        );
      }
      if (m && method === 'POST') {
        const c = { id: next++, body: (JSON.parse(init.body as string) as { body: string }).body };
        comments.push(c);
        return json(201, { ...c, html_url: `c/${c.id}` });
      }
      m = /^\/repos\/acme\/streamplane\/issues\/comments\/(\d+)$/.exec(u.pathname);
      if (m && method === 'PATCH') {
        const c = comments.find((x) => x.id === Number(m?.[1]));
        if (!c) return json(404, { message: 'Not Found' });
        c.body = (JSON.parse(init.body as string) as { body: string }).body;
        return json(200, { ...c, html_url: `c/${c.id}` });
      }
      return json(404, { message: 'Not Found' });
    }) as unknown as typeof fetch;
    return { comments, calls, fetch: fake };
  }
  const target = {
    api: 'http://github.test/',
    repository: 'acme/streamplane',
    pr: 7,
    token: 't0ken',
  };

  test('created on the first push, edited on the next', async () => {
    const gh = github([{ id: 1, body: 'LGTM' }]);
    expect(await upsertComment(target, `${MARKER}\nfirst`, gh.fetch)).toMatchObject({
      action: 'created',
      id: 1000,
    });
    expect(await upsertComment(target, `${MARKER}\nsecond`, gh.fetch)).toMatchObject({
      action: 'updated',
      id: 1000,
    });
    expect(gh.comments).toEqual([
      { id: 1, body: 'LGTM' },
      { id: 1000, body: `${MARKER}\nsecond` },
    ]);
  });

  test('found past the first page of comments', async () => {
    const chatter = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: `comment ${i}` }));
    const gh = github([...chatter, { id: 500, body: `${MARKER}\nold` }]);
    expect(await upsertComment(target, `${MARKER}\nnew`, gh.fetch)).toMatchObject({
      action: 'updated',
      id: 500,
    });
    expect(gh.calls).toEqual([
      'GET /repos/acme/streamplane/issues/7/comments?per_page=100&page=1',
      'GET /repos/acme/streamplane/issues/7/comments?per_page=100&page=2',
      'PATCH /repos/acme/streamplane/issues/comments/500',
    ]);
  });

  test('a body without the marker is refused (it would never be found again)', async () => {
    await expect(upsertComment(target, 'no marker', github().fetch)).rejects.toThrow(/marker/);
  });

  test('an API error names the call', async () => {
    const failing = (async () =>
      new Response('{"message":"Bad credentials"}', { status: 401 })) as unknown as typeof fetch;
    await expect(upsertComment(target, MARKER, failing)).rejects.toThrow(
      /GET \/repos\/acme\/streamplane\/issues\/7\/comments\?per_page=100&page=1: HTTP 401 .*Bad credentials/,
    );
  });
});
