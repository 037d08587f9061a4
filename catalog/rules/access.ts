// Who produces and consumes: every reference resolves to a declared app; hygiene warnings.
import { appId } from '../naming';
import { didYouMean } from '../suggest';
import type { Rule } from './context';

/** "order-service" in domain orders → "orders/order-service". */
export function qualify(ref: string, domain: string): string {
  return ref.includes('/') ? ref : appId(domain, ref);
}

const ROLES = ['producers', 'consumers'] as const;

/** The ids of a short list so far (a set's has and add, without hashing). */
class IdList {
  private readonly ids: string[] = [];

  has(id: string): boolean {
    return this.ids.includes(id);
  }

  add(id: string): void {
    this.ids.push(id);
  }
}

export const appReferences: Rule = ({ domains, brokenDomains, diagnostics }) => {
  const apps = new Set(domains.flatMap((d) => [...d.apps.keys()].map((a) => appId(d.domain, a))));
  const domainNames = new Set(domains.map((d) => d.domain));
  for (const d of domains) {
    for (const [key, t] of d.topics) {
      for (const role of ROLES) {
        const refs = t[role];
        // Most lists are short and have no duplicate: no set for them (10,000 topics, two
        // lists each); a list of the ids so far for a few, a set beyond.
        const seen: { has(id: string): boolean; add(id: string): unknown } | undefined =
          refs.length <= 1 ? undefined : refs.length <= 8 ? new IdList() : new Set<string>();
        for (let i = 0; i < refs.length; i++) {
          const ref = refs[i] as string;
          const id = qualify(ref, d.domain);
          if (seen?.has(id)) {
            diagnostics.error(
              d.source.locate(['topics', key, role, i]),
              'duplicate-app-ref',
              `"${ref}" is listed twice in ${role}`,
              'remove one',
            );
            continue;
          }
          seen?.add(id);
          if (apps.has(id)) continue;
          const [domain, app] = id.split('/') as [string, string];
          if (brokenDomains.has(domain)) continue; // that file's own errors come first
          if (!domainNames.has(domain)) {
            diagnostics.error(
              d.source.locate(['topics', key, role, i]),
              'unknown-domain',
              `"${ref}": there is no domain "${domain}"`,
              didYouMean(domain, domainNames) ?? `domains: ${[...domainNames].join(', ')}`,
            );
            continue;
          }
          const candidates = [...apps]
            .filter((a) => a.startsWith(`${domain}/`))
            .map((a) => a.slice(domain.length + 1));
          diagnostics.error(
            d.source.locate(['topics', key, role, i]),
            'unknown-app',
            `"${ref}": domain "${domain}" has no app "${app}"`,
            didYouMean(app, candidates) ??
              (domain === d.domain
                ? `declare it under apps:, or write "other-domain/${app}" for another domain's app`
                : `apps of ${domain}: ${candidates.join(', ') || 'none'}`),
          );
        }
      }
    }
  }
};

export const accessHygiene: Rule = ({ domains, diagnostics }) => {
  const used = new Set<string>();
  const producing = new Set<string>();
  for (const d of domains) {
    for (const [key, t] of d.topics) {
      for (const r of t.producers) {
        const id = qualify(r, d.domain);
        producing.add(id);
        used.add(id);
      }
      for (const r of t.consumers) used.add(qualify(r, d.domain));
      if (t.delete || d.brokenTopics.has(key)) continue; // fix its errors first
      if (t.consumers.length === 0) {
        diagnostics.warning(
          d.source.locate(['topics', key], true),
          'no-consumers',
          `topic "${key}" has no consumers`,
          'list the apps that read it under consumers:, or remove the topic if nobody needs it',
        );
      }
      if (t.producers.length === 0) {
        diagnostics.warning(
          d.source.locate(['topics', key], true),
          'no-producers',
          `topic "${key}" has no producers`,
          'list the apps that write it under producers:',
        );
      }
    }
  }
  for (const d of domains) {
    for (const [name, app] of [...d.apps]) {
      const id = appId(d.domain, name);
      if (!used.has(id)) {
        diagnostics.warning(
          d.source.locate(['apps', name], true),
          'unused-app',
          `app "${name}" produces and consumes nothing`,
          'reference it from a topic, or remove it',
        );
      } else if (app.transactional && !producing.has(id)) {
        diagnostics.warning(
          d.source.locate(['apps', name, 'transactional']),
          'transactional-without-topics',
          `app "${name}" is transactional but produces to no topic`,
          'remove "transactional: true", or add it to a topic\'s producers',
        );
      }
    }
  }
};
