// One import, after the cluster has been read: live state → plan → files and report. The CLI
// runs it after reading the cluster; tests and the benchmark run it on state made in memory.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/model';
import { REPO_ROOT } from '../shared/repo-root';
import type { DomainOptions } from './domains';
import { domainRule } from './domains';
import type { LiveState } from './live';
import type { ImportPlan } from './mapping';
import { mapLive } from './mapping';
import { principalResolver } from './principals';
import { Report, renderReport } from './report';
import { writeImport } from './write';
import { writeAdoption } from './adoption';

export interface ImportOptions {
  readonly environment: string;
  readonly out: string;
  readonly existing: Catalog;
  readonly domains?: readonly string[];
  readonly domainOptions?: DomainOptions;
  /** App id → principal, from the connection file; empty on the local stack. */
  readonly principals?: Readonly<Record<string, string>>;
  /** The cluster is reached through a connection file: apps need their principal there. */
  readonly external?: boolean;
  readonly overwrite?: boolean;
}

export interface ImportResult {
  readonly plan: ImportPlan;
  readonly report: Report;
  readonly files: readonly string[];
  /** The report as written to import-report.<env>.md. */
  readonly text: string;
  readonly reportFile: string;
}

/** platform.yaml for a directory that has none: this repository's, as the starting point. */
export function ensurePlatformFile(out: string): void {
  mkdirSync(out, { recursive: true });
  const file = join(out, 'platform.yaml');
  if (!existsSync(file)) copyFileSync(join(REPO_ROOT, 'platform.yaml'), file);
}

export function importLive(live: LiveState, opts: ImportOptions): ImportResult {
  const report = new Report();
  const plan = mapLive(
    {
      environment: opts.environment,
      live,
      platform: opts.existing.platform,
      domainOf: domainRule(opts.domainOptions),
      appOf: principalResolver(opts.external ? (opts.principals ?? {}) : {}),
      domains: opts.domains ?? [],
      existing: opts.existing,
    },
    report,
  );
  if (opts.external)
    for (const d of plan.domains.values())
      for (const a of d.apps.values())
        if (!a.mapped)
          report.add(
            'drift',
            `app ${d.name}/${a.name}`,
            `named after its principal ${a.principal}: add "${d.name}/${a.name}": "${a.principal}" to the connection file's principals, or plan and apply cannot grant it`,
          );
  const files: string[] = writeImport(
    plan,
    {
      out: opts.out,
      platform: opts.existing.platform,
      existing: opts.existing,
      overwrite: opts.overwrite ?? false,
    },
    report,
  );
  // Environments Terraform provisions adopt what exists (import blocks in their domain stacks).
  const kind = opts.existing.platform.environments[opts.environment]?.kind;
  const adoption =
    kind !== undefined && kind !== 'local'
      ? writeAdoption(opts.out, opts.environment, plan.adopt)
      : undefined;
  if (adoption) files.push(adoption);
  const count = (
    f: (d: ImportPlan['domains'] extends Map<string, infer D> ? D : never) => number,
  ) => [...plan.domains.values()].reduce((n, d) => n + f(d), 0);
  const reportFile = `import-report.${opts.environment}.md`;
  const text = renderReport(
    {
      environment: opts.environment,
      domains: plan.domains.size,
      topics: count((d) => d.topics.size),
      apps: count((d) => d.apps.size),
      schemas: plan.files.size,
      files,
    },
    report,
  );
  writeFileSync(join(opts.out, reportFile), text);
  return { plan, report, files, text, reportFile };
}
