// Renders diagnostics for people (colour on a TTY), for machines (JSON) and for GitHub Actions.
import type { Diagnostic } from './diagnostics';
import { formatDiagnostic } from './diagnostics';
import type { Catalog } from './model';

export type OutputFormat = 'human' | 'json' | 'github';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['human', 'json', 'github'];

export interface Summary {
  readonly domains: number;
  readonly topics: number;
  readonly apps: number;
  readonly schemas: number;
  readonly environments: Readonly<
    Record<string, { topics: number; partitions: number; acls: number; subjects: number }>
  >;
}

export function summarize(catalog: Catalog): Summary {
  return {
    domains: catalog.domains.length,
    topics: catalog.topics.length,
    apps: catalog.apps.size,
    schemas: catalog.schemas.size,
    environments: Object.fromEntries(
      catalog.environments.map((env) => {
        const totals = catalog.totals(env);
        return [
          env,
          {
            topics: totals.topics,
            partitions: totals.partitions,
            acls: totals.acls,
            subjects: catalog.subjects.length,
          },
        ];
      }),
    ),
  };
}

export function summaryLine(s: Summary): string {
  const envs = Object.entries(s.environments)
    .map(
      ([env, e]) =>
        `${env} ${e.topics} topics/${e.partitions} partitions/${e.acls} ACLs/${e.subjects} subjects`,
    )
    .join('; ');
  return `catalog ok: ${s.domains} domains, ${s.topics} topics, ${s.apps} apps, ${s.schemas} schemas — ${envs}`;
}

const colour = (code: number, text: string): string => `\u001b[${code}m${text}\u001b[0m`;

export function render(
  format: OutputFormat,
  diagnostics: readonly Diagnostic[],
  summary: Summary | undefined,
  tty = false,
): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (format === 'json') {
    return JSON.stringify(
      { ok: errors === 0, errors, warnings, diagnostics, ...(summary ? { summary } : {}) },
      null,
      2,
    );
  }
  const lines = diagnostics.map((d) => (format === 'github' ? githubAnnotation(d) : human(d, tty)));
  const tail =
    errors > 0
      ? `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
      : `${summary ? summaryLine(summary) : 'catalog ok'}${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`;
  lines.push(tty && format === 'human' ? colour(errors ? 31 : 32, tail) : tail);
  return lines.join('\n');
}

function human(d: Diagnostic, tty: boolean): string {
  if (!tty) return formatDiagnostic(d);
  const sev = d.severity === 'error' ? colour(31, 'error') : colour(33, 'warning');
  const hint = d.hint ? colour(2, ` (${d.hint})`) : '';
  return `${colour(1, `${d.file}:${d.line}:${d.col}`)} ${sev} ${colour(36, d.rule)}: ${d.message}${hint}`;
}

/** GitHub workflow command; data must escape %, CR and LF, properties also ":" and ",". */
export function githubAnnotation(d: Diagnostic): string {
  const data = (s: string): string =>
    s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const level = d.severity === 'error' ? 'error' : 'warning';
  const message = `${d.message}${d.hint ? ` (${d.hint})` : ''}`;
  return `::${level} file=${prop(d.file)},line=${d.line},col=${d.col},title=${prop(d.rule)}::${data(message)}`;
}
