// Which domain a live topic belongs to: the first name segment by default, a pattern's `domain`
// group (or first group), or the longest matching prefix of a mapping file. The catalog only
// accepts a domain whose topics start with "<domain>.", so anything else is outside any domain.
import { domainPrefix } from '../catalog/naming';

export type DomainOf = (topic: string) => { domain: string } | { reason: string };

export interface DomainOptions {
  readonly pattern?: RegExp;
  /** Topic-name prefix → domain, e.g. { "orders.": "orders" }. */
  readonly map?: Readonly<Record<string, string>>;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function domainRule(opts: DomainOptions = {}): DomainOf {
  const prefixes = Object.entries(opts.map ?? {}).sort(([a], [b]) => b.length - a.length);
  const candidate = (topic: string): string | undefined => {
    if (opts.map) return prefixes.find(([p]) => topic.startsWith(p))?.[1];
    if (opts.pattern) {
      const m = opts.pattern.exec(topic);
      return m ? (m.groups?.domain ?? m[1] ?? m[0]) : undefined;
    }
    const dot = topic.indexOf('.');
    return dot > 0 ? topic.slice(0, dot) : undefined;
  };
  const how = opts.map
    ? 'the domain map'
    : opts.pattern
      ? `--domain-pattern ${opts.pattern.source}`
      : 'its first "."-separated segment';
  return (topic) => {
    if (topic.startsWith('_'))
      return { reason: 'internal topic of the broker or a platform service' };
    const domain = candidate(topic);
    if (domain === undefined) return { reason: `no domain: ${how} gives none` };
    if (!KEBAB.test(domain) || domain.length > 64)
      return { reason: `"${domain}" (from ${how}) is not a valid domain name (kebab-case)` };
    if (!topic.startsWith(domainPrefix(domain)))
      return {
        reason: `outside domain "${domain}": the catalog requires its topics to start with "${domainPrefix(domain)}"`,
      };
    return { domain };
  };
}
