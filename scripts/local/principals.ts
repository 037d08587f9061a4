// The local stack's SCRAM users: one per catalog app, named like the app's principal; the names
// under a catalog domain are the catalog's, so the user of an app removed from it is removed.
import { ownsPrincipal, userPrincipal } from '../../catalog/access';
import { formatDiagnostic } from '../../catalog/diagnostics';
import { loadCatalog } from '../../catalog/loader';
import type { Catalog } from '../../catalog/model';
import { appPrincipal } from '../../catalog/naming';
import { StackError } from './errors';
import { REPO_ROOT } from '../../shared/repo-root';

/** One catalog application; its Kafka principal is `<domain>.<app>`. */
export interface AppPrincipal {
  domain: string;
  app: string;
}

export function principalName(p: AppPrincipal): string {
  return appPrincipal(p.domain, p.app);
}

/** What `up` needs from the catalog: a user per app, and which user names are the catalog's. */
export interface LocalUsers {
  principals: AppPrincipal[];
  /** `<domain>.<name>` of a catalog domain (catalog/access.ts ownsPrincipal). */
  ownedUsers: (name: string) => boolean;
}

/** Every app of the catalog at `root`; a broken catalog stops here with its own errors. */
export function loadLocalUsers(root: string = REPO_ROOT): LocalUsers {
  return localUsers(loadValidCatalog(root));
}

export function localUsers(catalog: Catalog): LocalUsers {
  const owns = ownsPrincipal(
    { kind: 'app-users' },
    catalog.domains.map((d) => d.name),
  );
  return {
    principals: [...catalog.apps.values()].map((a) => ({ domain: a.domain, app: a.name })),
    ownedUsers: (name) => owns(userPrincipal(name)),
  };
}

function loadValidCatalog(root: string): Catalog {
  const { catalog, diagnostics } = loadCatalog(root);
  if (!catalog) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new StackError(
      `The catalog has errors; fix them first (npm run validate):\n${errors.join('\n')}`,
    );
  }
  return catalog;
}
