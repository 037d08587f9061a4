// The sample catalog synthesized once per test file, read back as Terraform JSON.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/loader';
import type { Catalog } from '../../../catalog/model';
import { buildStacks } from '../../../stacks/app';
import type { BuiltStacks } from '../../../stacks/app';
import { REPO_ROOT } from '../../../shared/repo-root';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Synthesized {
  readonly catalog: Catalog;
  readonly built: BuiltStacks;
  readonly outdir: string;
  /** Stack name → its cdk.tf.json. */
  readonly stacks: ReadonlyMap<string, Json>;
  /** Stack name → names of the stacks it depends on (manifest.json). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
}

export function synthesizeSample(): Synthesized {
  const result = loadCatalog(REPO_ROOT);
  if (!result.catalog) throw new Error('the sample catalog does not load');
  const outdir = mkdtempSync(join(tmpdir(), 'streamplane-stacks-'));
  const built = buildStacks(result.catalog, { outdir });
  built.app.synth();
  const stacks = new Map<string, Json>();
  for (const name of readdirSync(join(outdir, 'stacks'))) {
    stacks.set(name, JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')));
  }
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { dependencies: string[] }>;
  };
  const dependencies = new Map(
    Object.entries(manifest.stacks).map(([k, v]) => [k, v.dependencies] as const),
  );
  return { catalog: result.catalog, built, outdir, stacks, dependencies };
}

/** The for_each map of a block (empty when the block is absent). */
export function forEach(stack: Json | undefined, type: string, name: string): Record<string, Json> {
  return (stack?.resource?.[type]?.[name]?.for_each as Record<string, Json> | undefined) ?? {};
}

export function stack(s: Synthesized, name: string): Json {
  const found = s.stacks.get(name);
  if (!found) throw new Error(`no stack ${name} (have ${[...s.stacks.keys()].join(', ')})`);
  return found;
}
