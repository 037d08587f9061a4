// What an apply did, command by command, and the pass's outcome.
import type { PlanFormat } from '../plan/render';
import type { PassReport } from '../reconcile';

export function renderResults(
  report: PassReport,
  format: PlanFormat,
  opts: { color?: boolean } = {},
): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const paint = (code: string, s: string): string =>
    opts.color ? `\u001b[${code}m${s}\u001b[0m` : s;
  const lines: string[] = [];
  const md = format === 'markdown';
  for (const r of report.results) {
    if (r.outcome === 'succeeded') continue;
    const mark = r.outcome === 'failed' ? paint('31', 'failed') : paint('33', 'skipped');
    lines.push(`${md ? '- ' : ''}${mark} ${r.resource}: ${r.error ?? ''}`);
  }
  const c = report.counts;
  const head =
    report.state === 'succeeded'
      ? c.commands === 0
        ? `${report.environment}: in sync, nothing to apply`
        : `${report.environment}: applied ${c.succeeded} command(s)`
      : `${report.environment}: apply failed` +
        (c.commands ? ` (${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped)` : '');
  if (report.error) lines.push(`${md ? '- ' : ''}${paint('31', 'error')} ${report.error}`);
  const p = report.phases;
  // Where the time went: reading, sending, and waiting for the cluster to show what was sent.
  const phases = p
    ? `; read ${p.readMs} ms, writes ${p.writeMs} ms, verified in ${p.verifyMs} ms ` +
      `(${p.verifyReads} read${p.verifyReads === 1 ? '' : 's'})`
    : '';
  lines.push(
    `${md ? '**' : ''}${head}${md ? '**' : ''} in ${report.durationMs} ms ` +
      `(${report.roundTrips.admin} Kafka requests, ${report.roundTrips.registry} registry requests` +
      `${phases})`,
  );
  return `${lines.join('\n')}\n`;
}
