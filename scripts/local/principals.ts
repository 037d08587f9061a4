// The local stack's SCRAM users: one per catalog app, named like the app's principal.
import { formatDiagnostic } from '../../catalog/diagnostics';
import { loadCatalog } from '../../catalog/loader';
import { appPrincipal } from '../../catalog/naming';
import { StackError } from './errors';
import { REPO_ROOT } from './paths';

/** One catalog application; its Kafka principal is `<domain>.<app>`. */
export interface AppPrincipal {
  domain: string;
  app: string;
}

export function principalName(p: AppPrincipal): string {
  return appPrincipal(p.domain, p.app);
}

/** Every app of the catalog at `root`; a broken catalog stops here with its own errors. */
export function loadPrincipals(root: string = REPO_ROOT): AppPrincipal[] {
  const { catalog, diagnostics } = loadCatalog(root);
  if (!catalog) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new StackError(
      `The catalog has errors; fix them first (npm run validate):\n${errors.join('\n')}`,
    );
  }
  return [...catalog.apps.values()].map((a) => ({ domain: a.domain, app: a.name }));
}
