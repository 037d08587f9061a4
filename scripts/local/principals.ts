import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './paths';

/** One catalog application; its Kafka principal is `<domain>.<app>`. */
export interface AppPrincipal {
  domain: string;
  app: string;
}

export function principalName(p: AppPrincipal): string {
  return `${p.domain}.${p.app}`;
}

// TODO(catalog): replace with loadCatalog from catalog/ once it lands; this reads only
// `domain:` and the keys under `apps:` of topics/*.yaml.
export function loadPrincipals(topicsDir: string = path.join(REPO_ROOT, 'topics')): AppPrincipal[] {
  if (!fs.existsSync(topicsDir)) return [];
  const files = fs
    .readdirSync(topicsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const principals: AppPrincipal[] = [];
  for (const file of files) {
    const doc: unknown = parse(fs.readFileSync(path.join(topicsDir, file), 'utf8'));
    if (typeof doc !== 'object' || doc === null) continue;
    const { domain, apps } = doc as { domain?: unknown; apps?: unknown };
    if (typeof domain !== 'string' || typeof apps !== 'object' || apps === null) continue;
    for (const app of Object.keys(apps)) principals.push({ domain, app });
  }
  return principals;
}
