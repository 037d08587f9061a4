// Principal → catalog app. A connection file's `principals` (app id → principal, the map the
// reconciler reads) names apps on clusters with service accounts; a principal that is the
// platform's own convention, "User:<domain>.<app>", names its app by itself (the local stack).
import { appId } from '../catalog/naming';

export interface AppName {
  readonly domain: string;
  readonly app: string;
  /** True when named by the connection file, false when by the principal's own shape. */
  readonly mapped: boolean;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function principalResolver(
  principals: Readonly<Record<string, string>> = {},
): (principal: string) => AppName | undefined {
  const byPrincipal = new Map<string, AppName>();
  for (const [id, principal] of Object.entries(principals)) {
    const [domain, app, ...rest] = id.split('/');
    if (domain && app && rest.length === 0 && KEBAB.test(domain) && KEBAB.test(app))
      byPrincipal.set(principal, { domain, app, mapped: true });
  }
  // Answered once per principal: a cluster has tens of thousands of ACLs for a few hundred.
  const seen = new Map<string, AppName | undefined>();
  return (principal) => {
    if (seen.has(principal)) return seen.get(principal);
    let app = byPrincipal.get(principal);
    const m = app ? null : /^User:([a-z][a-z0-9-]*)\.([a-z][a-z0-9-]*)$/.exec(principal);
    if (m && KEBAB.test(m[1] as string) && KEBAB.test(m[2] as string))
      app = { domain: m[1] as string, app: m[2] as string, mapped: false };
    seen.set(principal, app);
    return app;
  };
}

export const idOf = (a: AppName): string => appId(a.domain, a.app);
