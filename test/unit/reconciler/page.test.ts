// The status page's model and rendering: the sample catalog through the real planner and
// topicStatuses, with untrusted values where the catalog, the cluster or an API caller put them.
import { readReconcilerSettings } from '../../../reconciler/config';
import type { CommandResult } from '../../../reconciler/apply/executor';
import { loadDesired } from '../../../reconciler/catalog-source';
import { plan } from '../../../reconciler/plan/planner';
import type { ActualState } from '../../../reconciler/state/actual';
import type { DesiredState } from '../../../reconciler/state/desired';
import type { Snapshot } from '../../../reconciler/service/status-store';
import {
  Html,
  contentSecurityPolicy,
  escapeHtml,
  html,
  renderLoginPage,
  renderStatusPage,
} from '../../../reconciler/service/page';
import { topicStatuses } from '../../../reconciler/service/status';
import { ReconciliationStore } from '../../../reconciler/service/store';
import { Overview, sourceLink } from '../../../reconciler/service/view';
import type { StatusView } from '../../../reconciler/service/view';
import { REPO_ROOT } from '../../../shared/repo-root';

const EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const principalOf = (app: { principal: string }): string => `User:${app.principal}`;

/** The cluster as the catalog wants it, then `edit`ed: the drift the tests look at. */
function actualFrom(desired: DesiredState): ActualState {
  return {
    topics: new Map(
      desired.topics.map((t) => [
        t.name,
        {
          name: t.name,
          partitions: t.partitions,
          replicationFactor: t.replicationFactor,
          config: t.config,
        },
      ]),
    ),
    unmanagedTopics: [],
    acls: desired.acls.map(({ app: _app, ...binding }) => binding),
    subjects: new Map(
      desired.subjects.map((s) => [
        s.name,
        {
          name: s.name,
          version: 1,
          schema: s.text,
          schemaType: s.format,
          references: s.references.map((r) => ({ ...r, version: 1 })),
          compatibility: s.compatibility,
        },
      ]),
    ),
  };
}

const ORDER_CREATED = 'orders.order-created.v1';
const ORDER_STATUS = 'orders.order-status.v1';

/** The sample catalog against a cluster missing order-created's ACLs and order-status itself. */
function scenario(at = '2025-01-01T10:00:00.000Z') {
  const desired = loadDesired(REPO_ROOT, 'local', { kind: 'app-users' });
  const actual = actualFrom(desired);
  const topics = new Map(actual.topics);
  topics.delete(ORDER_STATUS);
  const drifted: ActualState = {
    ...actual,
    topics,
    acls: actual.acls.filter((a) => a.resourceName !== ORDER_CREATED),
  };
  const p = plan(desired, drifted);
  const create = p.commands.find((c) => c.kind === 'CreateTopic');
  const results: CommandResult[] = [
    {
      id: create?.id ?? 'c1',
      kind: 'CreateTopic',
      resource: `topic ${ORDER_STATUS}`,
      topic: ORDER_STATUS,
      outcome: 'failed',
      error: `broker said ${EVIL}`,
      code: 'POLICY_VIOLATION',
      attempts: 3,
      durationMs: 120,
    },
  ];
  const snapshot: Snapshot = {
    environment: 'local',
    mode: 'enforce',
    leader: true,
    observedAt: at,
    drift: p.drift,
    topics: topicStatuses(desired, p, 'enforce', results, { at }),
  };
  return { desired, plan: p, results, snapshot };
}

function overviewOf(
  snapshot: () => Snapshot,
  store = new ReconciliationStore(),
  catalogUrl?: string,
): Overview {
  return new Overview({
    root: REPO_ROOT,
    environment: 'local',
    controller: { snapshot, store },
    principalOf,
    ...(catalogUrl !== undefined ? { catalogUrl } : {}),
    now: () => Date.parse('2025-01-01T10:05:00.000Z'),
  });
}

describe('html templates', () => {
  it('escapes every interpolated value, but not nested templates', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"><script>'}">${inner}${[html`<br />`, '<br>']}</p>`.text).toBe(
      '<p title="&quot;&gt;&lt;script&gt;"><b>&lt;i&gt;</b><br />&lt;br&gt;</p>',
    );
    expect(html`${undefined}${null}${false}${0}`.text).toBe('0');
    expect(new Html('<x>').toString()).toBe('<x>');
  });

  it('allows only its own nonce-d style and script, its API and its forms', () => {
    const csp = contentSecurityPolicy('abc');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-abc'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});

describe('catalog links', () => {
  it('links to the declaring line under the configured base, or shows file:line', () => {
    expect(sourceLink('topics/orders.yaml', 14)).toEqual({ file: 'topics/orders.yaml', line: 14 });
    expect(sourceLink('topics/orders.yaml', 14, 'https://git.example/acme/sp/blob/main/')).toEqual({
      file: 'topics/orders.yaml',
      line: 14,
      href: 'https://git.example/acme/sp/blob/main/topics/orders.yaml#L14',
    });
    expect(sourceLink('topics/a b.yaml', 2, '/catalog').href).toBe('/catalog/topics/a%20b.yaml#L2');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', '//evil.example', 'x" onx="'])
      expect(sourceLink('topics/orders.yaml', 1, bad).href).toBeUndefined();
  });

  it('reads RECONCILER_CATALOG_URL and refuses what is not an http(s) URL or a path', () => {
    expect(readReconcilerSettings({}).catalogUrl).toBeUndefined();
    expect(
      readReconcilerSettings({ RECONCILER_CATALOG_URL: 'https://git.example/acme/sp/blob/main/' })
        .catalogUrl,
    ).toBe('https://git.example/acme/sp/blob/main');
    expect(readReconcilerSettings({ RECONCILER_CATALOG_URL: '../streamplane' }).catalogUrl).toBe(
      '../streamplane',
    );
    for (const bad of ['javascript:alert(1)', 'ftp://x/y', '//evil.example/x'])
      expect(() => readReconcilerSettings({ RECONCILER_CATALOG_URL: bad })).toThrow(
        /RECONCILER_CATALOG_URL: an http\(s\) URL or a path/,
      );
  });
});

describe('the overview', () => {
  it("shows the sample's domains, topics with conditions, apps with their access", () => {
    const s = scenario();
    const view = overviewOf(() => s.snapshot).view();
    expect(view.domains.map((d) => d.name)).toEqual(['orders', 'payments', 'platform', 'shipping']);
    const orders = view.domains[0]!;
    expect(orders.source).toEqual({ file: 'topics/orders.yaml', line: 1 });
    const created = orders.topics.find((t) => t.name === ORDER_CREATED)!;
    expect(created).toMatchObject({
      state: 'pending',
      observed: true,
      since: '2025-01-01T10:00:00.000Z',
      source: { file: 'topics/orders.yaml', line: 15 },
    });
    expect(created.conditions.find((c) => c.type === 'AclsInSync')).toMatchObject({
      status: 'False',
      reason: 'Pending',
      lastTransitionTime: '2025-01-01T10:00:00.000Z',
    });
    expect(orders.topics.find((t) => t.name === ORDER_STATUS)?.state).toBe('failed');
    expect(view.counts).toMatchObject({ pending: 1, failed: 1 });
    expect(view.counts.ready).toBeGreaterThan(5);
    expect(view.drift).toBe(s.plan.drift);

    const service = orders.apps.find((a) => a.id === 'orders/order-service')!;
    expect(service).toMatchObject({
      principal: 'User:orders.order-service',
      transactional: true,
      source: { file: 'topics/orders.yaml', line: 8 },
    });
    expect(service.produces).toEqual(expect.arrayContaining([ORDER_CREATED, ORDER_STATUS]));
    expect(service.grants).toContainEqual({
      resourceType: 'TOPIC',
      patternType: 'LITERAL',
      resourceName: ORDER_CREATED,
      operations: ['WRITE', 'DESCRIBE'],
    });
    expect(service.grants).toContainEqual({
      resourceType: 'TRANSACTIONAL_ID',
      patternType: 'PREFIXED',
      resourceName: 'orders.order-service.',
      operations: ['WRITE', 'DESCRIBE'],
    });
    const payments = view.domains[1]!.apps.find((a) => a.id === 'payments/payment-service')!;
    expect(payments.consumes).toContain(ORDER_CREATED);
    expect(payments.grants).toContainEqual(
      expect.objectContaining({ resourceType: 'GROUP', operations: ['READ'] }),
    );
  });

  it('lists passes and failed commands with the catalog line of what failed', () => {
    const s = scenario();
    const store = new ReconciliationStore();
    store.add({
      id: 'b1e6a0c2-0000-4000-8000-000000000001',
      state: 'failed',
      source: 'api',
      mode: 'enforce',
      reason: EVIL,
      requestedBy: EVIL,
      acceptedAt: '2025-01-01T10:00:00.000Z',
      startedAt: '2025-01-01T10:00:01.000Z',
      finishedAt: '2025-01-01T10:00:02.000Z',
      drift: 3,
      counts: { commands: 1, succeeded: 0, failed: 1, skipped: 0 },
      results: s.results,
    });
    const view = overviewOf(
      () => s.snapshot,
      store,
      'https://git.example/acme/sp/blob/main',
    ).view();
    expect(view.passes).toHaveLength(1);
    expect(view.failures).toEqual([
      expect.objectContaining({
        pass: 'b1e6a0c2-0000-4000-8000-000000000001',
        kind: 'CreateTopic',
        resource: `topic ${ORDER_STATUS}`,
        code: 'POLICY_VIOLATION',
        source: {
          file: 'topics/orders.yaml',
          line: 28,
          href: 'https://git.example/acme/sp/blob/main/topics/orders.yaml#L28',
        },
      }),
    ]);
  });

  it('keeps the same version while nothing changes, and a new one when something does', () => {
    let s = scenario('2025-01-01T10:00:00.000Z');
    const overview = overviewOf(() => s.snapshot);
    const first = overview.view().version;
    expect(overview.view().version).toBe(first);
    s = scenario('2025-01-01T10:01:00.000Z');
    expect(overview.view().version).not.toBe(first);
  });

  it('reports a catalog that does not load instead of failing', () => {
    const overview = new Overview({
      root: '/nonexistent/streamplane',
      environment: 'local',
      controller: { snapshot: () => scenario().snapshot, store: new ReconciliationStore() },
      principalOf,
    });
    const view = overview.view();
    expect(view.domains).toEqual([]);
    expect(view.catalogError).toMatch(/no platform\.yaml/);
  });
});

describe('rendering', () => {
  const ctx = { caller: { name: 'dash', role: 'reader' as const }, csrf: 'csrf-1', nonce: 'n0nce' };

  function rendered(catalogUrl?: string): { view: StatusView; page: string } {
    const s = scenario();
    const store = new ReconciliationStore();
    store.add({
      id: 'pass-1',
      state: 'failed',
      source: 'api',
      mode: 'enforce',
      reason: EVIL,
      acceptedAt: '2025-01-01T10:00:00.000Z',
      finishedAt: '2025-01-01T10:00:02.000Z',
      counts: { commands: 1, succeeded: 0, failed: 1, skipped: 0 },
      results: s.results,
    });
    const snapshot: Snapshot = { ...s.snapshot, error: `cluster says ${EVIL}` };
    const view = overviewOf(() => snapshot, store, catalogUrl).view();
    return { view, page: renderStatusPage(view, ctx) };
  }

  it('renders untrusted text inert: no markup but its own one script', () => {
    const { page } = rendered();
    expect(page).not.toContain('<script>window');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(page).toContain('onerror=&quot;window.__pwned=2&quot;');
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain('<script nonce="n0nce">');
    expect(page).toContain('<style nonce="n0nce">');
  });

  it('shows topics with their state, conditions, transition times and catalog lines', () => {
    const { page, view } = rendered();
    expect(page).toContain(`data-topic="${ORDER_CREATED}" data-state="pending"`);
    expect(page).toContain(`data-topic="${ORDER_STATUS}" data-state="failed"`);
    expect(page).toContain('<span class="src">topics/orders.yaml:15</span>');
    expect(page).not.toContain('href="topics/');
    expect(page).toContain('data-condition="AclsInSync"');
    expect(page).toContain('datetime="2025-01-01T10:00:00.000Z"');
    expect(page).toContain('2025-01-01 10:00:00Z (5 min ago)');
    expect(page).toContain('POLICY_VIOLATION');
    expect(page).toContain(`data-version="${view.version}"`);
    expect(page).toContain('name="csrf" value="csrf-1"');
    for (const d of ['orders', 'payments', 'platform', 'shipping'])
      expect(page).toContain(`data-domain="${d}"`);
    expect(page).toContain('data-app="orders/order-service"');
    expect(page).toContain('TRANSACTIONAL_ID orders.order-service.*');
  });

  it('links catalog lines when a catalog URL is configured', () => {
    const { page } = rendered('https://git.example/acme/sp/blob/main');
    expect(page).toContain(
      '<a class="src" href="https://git.example/acme/sp/blob/main/topics/orders.yaml#L15" rel="noreferrer">topics/orders.yaml:15</a>',
    );
  });

  it('the login page is a form and nothing else', () => {
    const page = renderLoginPage({ environment: 'local', nonce: 'n', message: EVIL });
    expect(page).toContain('<form class="login" id="login" method="post" action="login">');
    expect(page).toContain('type="password"');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('orders.');
  });
});
