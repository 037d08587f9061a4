// The cdktf App for a catalog: every stack of every confluent-cloud and confluent-double
// environment. Environments of kind `local` have no stacks: the reconciler applies the catalog
// to the local stack.
import type { App } from 'cdktf';
import { isTerraformKind } from '../catalog/format/platform-file';
import type { Catalog } from '../catalog/model';
import { addEnvironment } from './environment';
import type { EnvironmentStacks, EnvironmentStacksOptions } from './environment';
import { createApp } from './synth';

export interface BuildStacksOptions extends EnvironmentStacksOptions {
  /** Where `app.synth()` writes (cdktf.out by default, as cdktf.json expects). */
  readonly outdir?: string;
  /** Only these environments (default: all that Terraform provisions). */
  readonly environments?: readonly string[];
}

export interface BuiltStacks {
  readonly app: App;
  readonly environments: ReadonlyMap<string, EnvironmentStacks>;
}

/** Environments Terraform provisions: those of kind confluent-cloud and confluent-double. */
export function terraformEnvironments(catalog: Catalog): string[] {
  return catalog.environments.filter((e) => {
    const spec = catalog.platform.environments[e];
    return spec !== undefined && isTerraformKind(spec.kind);
  });
}

export function buildStacks(catalog: Catalog, options: BuildStacksOptions = {}): BuiltStacks {
  const app = createApp(options.outdir === undefined ? {} : { outdir: options.outdir });
  const environments = new Map<string, EnvironmentStacks>();
  for (const env of options.environments ?? terraformEnvironments(catalog)) {
    environments.set(env, addEnvironment(app, catalog, env, options));
  }
  return { app, environments };
}
