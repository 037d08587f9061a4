// What an import did and, above all, what it could not express: every live resource the
// catalog cannot say, with the reason and what a human must decide. Nothing is dropped silently.

export type FindingKind =
  /** A live resource the catalog cannot express: not imported. */
  | 'not-imported'
  /** Imported, but the first plan/apply will change something on the cluster. */
  | 'drift'
  /** A value the catalog needs that the cluster does not have (descriptions, owners). */
  | 'placeholder'
  /** The catalog already says something else: kept (use --overwrite to replace). */
  | 'conflict'
  /** Added to an existing catalog. */
  | 'added'
  /** Replaced under --overwrite. */
  | 'overwritten'
  /** platform.yaml changed so the imported values validate. */
  | 'platform';

export interface Finding {
  readonly kind: FindingKind;
  /** "topic orders.x.v1", "acl DENY User:x READ TOPIC:orders.x", "subject orders.x-value". */
  readonly resource: string;
  readonly reason: string;
}

const HEADINGS: Record<FindingKind, string> = {
  'not-imported': 'Not imported (the catalog cannot express it)',
  drift: 'Imported with a difference the first apply would change',
  conflict: 'Kept as the catalog says (rerun with --overwrite to replace)',
  placeholder: 'Placeholders to review',
  platform: 'platform.yaml additions',
  added: 'Added',
  overwritten: 'Overwritten (--overwrite)',
};

export class Report {
  readonly findings: Finding[] = [];

  add(kind: FindingKind, resource: string, reason: string): void {
    this.findings.push({ kind, resource, reason });
  }

  of(kind: FindingKind): Finding[] {
    return this.findings.filter((f) => f.kind === kind);
  }
}

export interface ImportSummary {
  readonly environment: string;
  readonly domains: number;
  readonly topics: number;
  readonly apps: number;
  readonly schemas: number;
  readonly files: readonly string[];
}

export function renderReport(summary: ImportSummary, report: Report): string {
  const lines = [
    `# Import of environment "${summary.environment}"`,
    '',
    `${summary.domains} domain(s), ${summary.topics} topic(s), ${summary.apps} app(s), ` +
      `${summary.schemas} schema file(s); ${summary.files.length} file(s) written.`,
  ];
  for (const kind of Object.keys(HEADINGS) as FindingKind[]) {
    const items = report.of(kind);
    if (items.length === 0) continue;
    lines.push('', `## ${HEADINGS[kind]} (${items.length})`, '');
    const sorted = [...items].sort((a, b) => a.resource.localeCompare(b.resource));
    for (const f of sorted) lines.push(`- ${f.resource}: ${f.reason}`);
  }
  if (summary.files.length > 0) {
    lines.push('', '## Files written', '');
    for (const f of summary.files) lines.push(`- ${f}`);
  }
  return `${lines.join('\n')}\n`;
}
