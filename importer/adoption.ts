// imports/<env>.json: what an import found on an environment's cluster exactly as the catalog
// declares it, so the environment's Terraform stacks adopt it (Terraform `import` blocks, see
// stacks/domain/imports.ts) instead of creating it again. Written by the importer, read by the
// stacks; an import into the same catalog adds to it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Adoption {
  readonly topics: readonly string[];
  /** catalog/access.ts aclKey strings ("orders/order-service|TOPIC|LITERAL|orders.x.v1|WRITE"). */
  readonly acls: readonly string[];
  readonly subjects: readonly string[];
}

export const ADOPTION_DIR = 'imports';

export function adoptionFile(environment: string): string {
  return `${ADOPTION_DIR}/${environment}.json`;
}

/** The adoption list of an environment; empty when the environment was never imported. */
export function readAdoption(root: string, environment: string): Adoption {
  const file = join(root, adoptionFile(environment));
  if (!existsSync(file)) return { topics: [], acls: [], subjects: [] };
  let raw: Partial<Adoption>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Adoption>;
  } catch (err) {
    throw new Error(
      `${adoptionFile(environment)}: ${(err as Error).message} (written by npm run import)`,
    );
  }
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return { topics: list(raw.topics), acls: list(raw.acls), subjects: list(raw.subjects) };
}

/** Adds to the environment's list; returns the file when it changed. */
export function writeAdoption(
  root: string,
  environment: string,
  add: Adoption,
): string | undefined {
  const have = readAdoption(root, environment);
  const union = (a: readonly string[], b: readonly string[]): string[] =>
    [...new Set([...a, ...b])].sort();
  const next: Adoption = {
    topics: union(have.topics, add.topics),
    acls: union(have.acls, add.acls),
    subjects: union(have.subjects, add.subjects),
  };
  const text = `${JSON.stringify(next, null, 2)}\n`;
  const file = join(root, adoptionFile(environment));
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return undefined;
  if (next.topics.length + next.acls.length + next.subjects.length === 0) return undefined;
  mkdirSync(join(root, ADOPTION_DIR), { recursive: true });
  writeFileSync(file, text);
  return adoptionFile(environment);
}
