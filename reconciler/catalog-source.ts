// Loads the catalog for one environment; a user's mistake becomes positioned diagnostics,
// never a stack trace.
import { formatDiagnostic } from '../catalog/diagnostics';
import type { PrincipalNaming } from '../catalog/access';
import type { EnvironmentCatalog } from '../catalog/model';
import { loadUnchanged } from '../catalog/validate';
import type { DesiredState } from './state/desired';
import { desiredState } from './state/desired';

export class CatalogError extends Error {
  constructor(
    message: string,
    /** One `file:line:col severity rule: message` per line. */
    readonly diagnostics: readonly string[] = [],
  ) {
    super(diagnostics.length ? `${message}\n${diagnostics.join('\n')}` : message);
    this.name = 'CatalogError';
  }
}

export function loadEnvironment(root: string, environment: string): EnvironmentCatalog {
  // What `npm run validate` remembers: files and schemas that passed are not parsed or checked
  // again (a no-op plan would otherwise spend most of its time checking unchanged schemas); and
  // while no file changes, a long-running process gets the catalog it loaded last.
  const { catalog, diagnostics, errorCount } = loadUnchanged(root);
  if (!catalog) {
    throw new CatalogError(
      `the catalog in ${root} has ${errorCount} error(s); fix them first (npm run validate)`,
      diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic),
    );
  }
  if (!catalog.environments.includes(environment)) {
    throw new CatalogError(
      `unknown environment "${environment}" (platform.yaml declares: ${catalog.environments.join(', ')})`,
    );
  }
  return catalog.for(environment);
}

export function loadDesired(
  root: string,
  environment: string,
  naming: PrincipalNaming,
): DesiredState {
  return desiredState(loadEnvironment(root, environment), naming);
}
