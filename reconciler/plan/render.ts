// Plans for people (terminal, `+ ~ -`), for machines (JSON) and for pull requests (Markdown).
import { describeAcl } from '../cluster/types';
import type { Command, Plan } from './commands';

export type PlanFormat = 'human' | 'json' | 'markdown';

type Sign = '+' | '~' | '-';

const COLOURS: Record<Sign | '!', string> = { '+': '32', '~': '33', '-': '31', '!': '35' };

export function sign(c: Command): Sign {
  switch (c.kind) {
    case 'CreateTopic':
    case 'CreateAcl':
    case 'RegisterSchema':
      return '+';
    case 'DeleteAcl':
    case 'DeleteTopic':
      return '-';
    default:
      return '~';
  }
}

export function describeCommand(c: Command): string {
  switch (c.kind) {
    case 'CreateTopic':
      return (
        `topic ${c.topic} (${c.partitions} partition${c.partitions === 1 ? '' : 's'}, ` +
        `replication ${c.replicationFactor}${formatConfig(c.config)})`
      );
    case 'IncreasePartitions':
      return `topic ${c.topic} partitions ${c.from} → ${c.to}`;
    case 'AlterTopicConfig':
      return `topic ${c.topic} config ${c.changes
        .map((ch) =>
          ch.to === undefined
            ? `${ch.key}=${ch.from} → default (set out of band)`
            : `${ch.key} ${ch.from ?? 'unset'} → ${ch.to}`,
        )
        .join(', ')}`;
    case 'CreateAcl':
      return `acl ${describeAcl(c.acl)}`;
    case 'DeleteAcl':
      return `acl ${describeAcl(c.acl)}${c.reason === 'app-removed' ? ' (its app is no longer in the catalog)' : ''}`;
    case 'RegisterSchema':
      return `schema ${c.subject} (${c.schemaType}, ${c.path}${c.reason === 'new' ? '' : `, ${c.reason}`})`;
    case 'SetSubjectCompatibility':
      return `compatibility ${c.subject} ${c.from ?? 'unset'} → ${c.to}`;
    case 'DeleteTopic':
      return `topic ${c.topic} (marked delete: true in the catalog)`;
  }
}

function formatConfig(config: Readonly<Record<string, string>>): string {
  const entries = Object.entries(config);
  return entries.length ? `, ${entries.map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
}

export function summaryLine(plan: Plan): string {
  if (plan.inSync) return `${plan.environment}: in sync`;
  const n = (s: Sign): number => plan.commands.filter((c) => sign(c) === s).length;
  const refused = plan.refusals.filter((r) => r.drift).length;
  return (
    `${plan.environment}: ${n('+')} to add, ${n('~')} to change, ${n('-')} to delete` +
    (refused ? `, ${refused} refused` : '')
  );
}

export function renderPlan(plan: Plan, format: PlanFormat, opts: { color?: boolean } = {}): string {
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  if (format === 'markdown') return renderMarkdown(plan);
  const paint = (s: Sign | '!', text: string): string =>
    opts.color ? `\u001b[${COLOURS[s]}m${text}\u001b[0m` : text;
  const lines = plan.commands.map((c) => paint(sign(c), `${sign(c)} ${describeCommand(c)}`));
  for (const r of plan.refusals.filter((r) => r.drift))
    lines.push(paint('!', `! refused: ${r.resource} ${r.reason}`));
  const kept = plan.refusals.filter((r) => !r.drift);
  for (const r of kept) lines.push(`  kept: ${r.resource} ${r.reason}`);
  if (plan.unmanaged.length)
    lines.push(
      `  ${plan.unmanaged.length} topic(s) outside the catalog's domains, not touched: ` +
        truncate(plan.unmanaged, 8),
    );
  lines.push(summaryLine(plan));
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(plan: Plan): string {
  const out = [`### Reconciler plan for \`${plan.environment}\``, '', `**${summaryLine(plan)}**`];
  if (plan.commands.length) {
    out.push('', '```diff', ...plan.commands.map((c) => `${sign(c)} ${describeCommand(c)}`), '```');
  }
  const refused = plan.refusals.filter((r) => r.drift);
  if (refused.length) {
    out.push('', '#### Refused', '', '| resource | why |', '| --- | --- |');
    for (const r of refused) out.push(`| \`${r.resource}\` | ${r.reason.replaceAll('|', '\\|')} |`);
  }
  const kept = plan.refusals.filter((r) => !r.drift);
  if (kept.length) {
    out.push(
      '',
      `<details><summary>${kept.length} topic(s) kept outside the catalog</summary>`,
      '',
    );
    for (const r of kept) out.push(`- \`${r.resource}\`: ${r.reason}`);
    out.push('', '</details>');
  }
  if (plan.unmanaged.length)
    out.push(
      '',
      `${plan.unmanaged.length} topic(s) outside the catalog's domains are not touched.`,
    );
  return `${out.join('\n')}\n`;
}

function truncate(items: readonly string[], max: number): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
