// What the status page shows, as one JSON-ready model (also GET /api/v1/overview): the catalog's
// domains, topics and apps with their access, each topic's state and conditions with the time
// they last changed, the drift, the last passes with their commands, and the failed commands,
// every item linked to the catalog line that declares it.
import { createHash } from 'node:crypto';
import type { AclOperation, AclPatternType, AclResourceType } from '../../catalog/access';
import { formatDiagnostic } from '../../catalog/diagnostics';
import { loadCatalog } from '../../catalog/loader';
import type { LoadResult } from '../../catalog/loader';
import type { App, Catalog } from '../../catalog/model';
import type { CommandResult } from '../apply/executor';
import type { Identity } from '../plan/commands';
import { isCatalogBase } from '../config';
import type { Mode } from '../reconcile';
import type { Condition, TopicState } from './status';
import type { Snapshot } from './status-store';
import type { Reconciliation } from './store';

/** Where the catalog declares an item; `href` only when a catalog URL is configured. */
export interface SourceLink {
  readonly file: string;
  readonly line: number;
  readonly href?: string;
}

export interface TopicView {
  readonly name: string;
  readonly domain: string;
  /** False until a pass (or a follower's read) has compared the topic with the cluster. */
  readonly observed: boolean;
  readonly state: TopicState;
  /** When the topic entered its current state, as far as this replica saw (status.ts). */
  readonly since?: string;
  readonly partitions: number;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly conditions: readonly Condition[];
  readonly source: SourceLink;
}

export interface GrantView {
  readonly resourceType: AclResourceType;
  readonly patternType: AclPatternType;
  readonly resourceName: string;
  readonly operations: readonly AclOperation[];
}

export interface AppView {
  readonly id: string;
  readonly description: string;
  readonly transactional: boolean;
  /** The principal on this environment's cluster; absent: its ACLs cannot be planned. */
  readonly principal?: string;
  readonly produces: readonly string[];
  readonly consumes: readonly string[];
  /** The ACLs the catalog derives for it (catalog/access.ts), by resource. */
  readonly grants: readonly GrantView[];
  readonly source: SourceLink;
}

export interface DomainView {
  readonly name: string;
  readonly description: string;
  readonly team: string;
  readonly contact?: string;
  readonly source: SourceLink;
  readonly topics: readonly TopicView[];
  readonly apps: readonly AppView[];
}

export interface CommandView {
  readonly kind: CommandResult['kind'];
  readonly resource: string;
  readonly outcome: CommandResult['outcome'];
  readonly error?: string;
  readonly code?: string;
  readonly attempts: number;
  readonly durationMs: number;
  readonly source?: SourceLink;
}

export interface PassView {
  readonly id: string;
  readonly source: Reconciliation['source'];
  readonly mode: Mode;
  readonly state: Reconciliation['state'];
  readonly reason?: string;
  readonly requestedBy?: string;
  readonly acceptedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly forwarded?: boolean;
  readonly drift?: number;
  readonly counts?: Reconciliation['counts'];
  readonly error?: string;
  readonly commands: readonly CommandView[];
}

export interface FailureView extends CommandView {
  readonly pass: string;
  readonly at?: string;
}

export interface StatusView {
  readonly environment: string;
  readonly mode: Mode;
  readonly leader: boolean;
  readonly generatedAt: string;
  /** When the cluster was last compared with the catalog. */
  readonly observedAt?: string;
  /** Commands plus refusals that are drift, in the last comparison. */
  readonly drift?: number;
  /** The last pass's or comparison's failure (cluster unreachable, …). */
  readonly error?: string;
  /** The catalog does not load (the page shows the last one that did, if any). */
  readonly catalogError?: string;
  readonly counts: Readonly<Record<TopicState, number>>;
  readonly domains: readonly DomainView[];
  readonly passes: readonly PassView[];
  readonly failures: readonly FailureView[];
  /** Changes whenever anything above but generatedAt does: the page reloads on a new one. */
  readonly version: string;
}

/** A link to `file:line` under the configured base, or the bare position when there is none. */
export function sourceLink(file: string, line: number, base?: string): SourceLink {
  if (base === undefined || !isCatalogBase(base)) return { file, line };
  const path = file.split('/').map(encodeURIComponent).join('/');
  return { file, line, href: `${base.replace(/\/+$/, '')}/${path}#L${line}` };
}

export interface OverviewOptions {
  /** Catalog directory. */
  readonly root: string;
  readonly environment: string;
  readonly controller: {
    snapshot(): Snapshot;
    readonly store: { recent(limit?: number): Reconciliation[] };
  };
  readonly principalOf: (app: App) => string | undefined;
  /** Base of the links to catalog lines (RECONCILER_CATALOG_URL); none: `file:line` as text. */
  readonly catalogUrl?: string;
  /** The catalog is read again at most this often for the page (30 s). */
  readonly catalogTtlMs?: number;
  /** Passes shown (10). */
  readonly passes?: number;
  readonly now?: () => number;
}

interface LoadedCatalog {
  readonly at: number;
  readonly catalog?: Catalog;
  readonly locate?: LoadResult['locate'];
  readonly error?: string;
}

const STATES: readonly TopicState[] = ['ready', 'drifted', 'pending', 'failed'];

export class Overview {
  private loaded?: LoadedCatalog;
  private readonly now: () => number;

  constructor(private readonly opts: OverviewOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The catalog for the page, read again after the TTL; a broken one keeps the last good one. */
  private catalog(): LoadedCatalog {
    const at = this.now();
    const ttl = this.opts.catalogTtlMs ?? 30_000;
    if (this.loaded && at - this.loaded.at < ttl) return this.loaded;
    const previous = this.loaded?.catalog
      ? {
          catalog: this.loaded.catalog,
          ...(this.loaded.locate ? { locate: this.loaded.locate } : {}),
        }
      : {};
    let error: string | undefined;
    try {
      const r = loadCatalog(this.opts.root);
      if (r.catalog && r.catalog.environments.includes(this.opts.environment)) {
        this.loaded = { at, catalog: r.catalog, locate: r.locate };
        return this.loaded;
      }
      error = r.catalog
        ? `platform.yaml no longer declares the environment "${this.opts.environment}"`
        : [
            `the catalog has ${r.errorCount} error(s); fix them first (npm run validate):`,
            ...r.diagnostics
              .filter((d) => d.severity === 'error')
              .slice(0, 20)
              .map(formatDiagnostic),
          ].join('\n');
    } catch (err) {
      error = `the catalog could not be read: ${(err as Error).message}`;
    }
    this.loaded = { at, ...previous, error };
    return this.loaded;
  }

  view(): StatusView {
    const snap = this.opts.controller.snapshot();
    const loaded = this.catalog();
    const base = this.opts.catalogUrl;
    const statuses = new Map(snap.topics.map((t) => [t.topic, t] as const));
    const domains: DomainView[] = [];
    const sources = new Map<string, SourceLink>();
    const appSources = new Map<string, SourceLink>();
    const env = loaded.catalog?.for(this.opts.environment);

    for (const d of loaded.catalog?.domains ?? []) {
      const locate = (path: readonly string[]): number =>
        loaded.locate?.(d.file, path, true).line ?? 1;
      const topics = (env?.topics ?? [])
        .filter((t) => t.domain === d.name)
        .map((t): TopicView => {
          const status = statuses.get(t.name);
          const source = sourceLink(t.source.file, t.source.line, base);
          sources.set(t.name, source);
          return {
            name: t.name,
            domain: t.domain,
            observed: status !== undefined,
            state: status?.state ?? 'pending',
            ...(status ? { since: status.since } : {}),
            partitions: t.partitions,
            producers: t.producers,
            consumers: t.consumers,
            conditions: status?.conditions ?? [],
            source,
          };
        });
      const apps = d.apps.map((app): AppView => {
        const source = sourceLink(d.file, locate(['apps', app.name]), base);
        appSources.set(app.id, source);
        const principal = this.opts.principalOf(app);
        return {
          id: app.id,
          description: app.description,
          transactional: app.transactional,
          ...(principal ? { principal } : {}),
          produces: (env?.topics ?? [])
            .filter((t) => t.producers.includes(app.id))
            .map((t) => t.name),
          consumes: (env?.topics ?? [])
            .filter((t) => t.consumers.includes(app.id))
            .map((t) => t.name),
          grants: grantsOf(env?.access.byApp(app.id).acls ?? []),
          source,
        };
      });
      domains.push({
        name: d.name,
        description: d.description,
        team: d.team,
        ...(d.contact ? { contact: d.contact } : {}),
        source: sourceLink(d.file, locate(['domain']), base),
        topics,
        apps,
      });
    }

    // The line that declares what a command is about: its topic's, else its app's.
    const sourceOf = (r: Identity): SourceLink | undefined =>
      (r.topic !== undefined ? sources.get(r.topic) : undefined) ??
      (r.app !== undefined ? appSources.get(r.app) : undefined);
    const commandView = (r: CommandResult): CommandView => {
      const source = sourceOf(r);
      return {
        kind: r.kind,
        resource: r.resource,
        outcome: r.outcome,
        ...(r.error ? { error: r.error } : {}),
        ...(r.code ? { code: r.code } : {}),
        attempts: r.attempts,
        durationMs: r.durationMs,
        ...(source ? { source } : {}),
      };
    };

    const recent = this.opts.controller.store.recent(this.opts.passes ?? 10);
    const passes = recent.map((r): PassView => ({
      id: r.id,
      source: r.source,
      mode: r.mode,
      state: r.state,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}),
      acceptedAt: r.acceptedAt,
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
      ...(r.forwarded ? { forwarded: true } : {}),
      ...(r.drift !== undefined ? { drift: r.drift } : {}),
      ...(r.counts ? { counts: r.counts } : {}),
      ...(r.error ? { error: r.error } : {}),
      commands: (r.results ?? []).map(commandView),
    }));
    const failures = passes.flatMap((p) =>
      p.commands
        .filter((c) => c.outcome === 'failed')
        .map((c): FailureView => ({
          pass: p.id,
          ...(p.finishedAt ? { at: p.finishedAt } : {}),
          ...c,
        })),
    );

    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<TopicState, number>;
    for (const d of domains) for (const t of d.topics) counts[t.state]++;
    const body = {
      environment: env?.name ?? this.opts.environment,
      mode: snap.mode,
      leader: snap.leader,
      ...(snap.observedAt ? { observedAt: snap.observedAt } : {}),
      ...(snap.drift !== undefined ? { drift: snap.drift } : {}),
      ...(snap.error ? { error: snap.error } : {}),
      ...(loaded.error ? { catalogError: loaded.error } : {}),
      counts,
      domains,
      passes,
      failures,
    };
    const version = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
    return { ...body, generatedAt: new Date(this.now()).toISOString(), version };
  }
}

/** Grants by resource, operations in a fixed order: "TOPIC orders.x.v1: WRITE, DESCRIBE". */
function grantsOf(
  grants: readonly {
    resourceType: AclResourceType;
    patternType: AclPatternType;
    resourceName: string;
    operation: AclOperation;
  }[],
): GrantView[] {
  const order: AclOperation[] = ['READ', 'WRITE', 'DESCRIBE'];
  const byResource = new Map<string, { g: GrantView; ops: Set<AclOperation> }>();
  for (const g of grants) {
    const key = `${g.resourceType}|${g.patternType}|${g.resourceName}`;
    let entry = byResource.get(key);
    if (!entry) {
      entry = {
        g: {
          resourceType: g.resourceType,
          patternType: g.patternType,
          resourceName: g.resourceName,
          operations: [],
        },
        ops: new Set(),
      };
      byResource.set(key, entry);
    }
    entry.ops.add(g.operation);
  }
  return [...byResource.values()].map(({ g, ops }) => ({
    ...g,
    operations: order.filter((o) => ops.has(o)),
  }));
}
