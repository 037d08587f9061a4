// Every stack of one Terraform-provisioned environment, wired together: platform first, then the
// domain stacks (which may depend on each other through schema references), secrets, runtime.
// A confluent-double environment has no secrets stack (no AWS account behind the double) and no
// runtime stack (validation refuses `runtime:` there).
import type { App } from 'cdktf';
import type { Catalog } from '../catalog/model';
import type { Adoption } from '../importer/adoption';
import { DomainStack } from './domain/domain-stack';
import { adoptExisting } from './domain/imports';
import { subjectLayers } from './domain/layers';
import { PlatformStack } from './platform/platform-stack';
import { RuntimeStack } from './runtime/runtime-stack';
import { SecretsStack } from './secrets/secrets-stack';

/** What to synthesize for an environment (everything by default). */
export interface EnvironmentStacksOptions {
  readonly secrets?: boolean;
  readonly runtime?: boolean;
  /** What `npm run import` found on an environment's cluster: adopted by `import` blocks. */
  readonly adoption?: (environment: string) => Adoption;
}

export interface EnvironmentStacks {
  readonly platform: PlatformStack;
  readonly domains: ReadonlyMap<string, DomainStack>;
  readonly secrets?: SecretsStack;
  readonly runtime?: RuntimeStack;
}

export function addEnvironment(
  app: App,
  catalog: Catalog,
  envName: string,
  options: EnvironmentStacksOptions = {},
): EnvironmentStacks {
  const env = catalog.for(envName);
  const platform = new PlatformStack(app, { env });

  const { layers, counts } = subjectLayers(env.subjects);
  const layerCount = (domain: string): number => counts.get(domain) ?? 0;
  const domains = new Map<string, DomainStack>();
  for (const domain of catalog.domains) {
    domains.set(
      domain.name,
      new DomainStack(app, {
        env,
        domain,
        platform,
        schemaLayers: layerCount(domain.name),
      }),
    );
  }
  const stackOf = (domain: string): DomainStack => {
    const stack = domains.get(domain);
    if (!stack) throw new Error(`no stack for domain "${domain}"`);
    return stack;
  };

  // Subjects, references first (the catalog's order).
  const subjectDomain = new Map(env.subjects.map((s) => [s.name, s.schema.domain] as const));
  const version = (subject: string): string => {
    const domain = subjectDomain.get(subject);
    if (domain === undefined) throw new Error(`unknown subject "${subject}"`);
    return stackOf(domain).schemas.version(subject, layers.get(subject) ?? 0);
  };
  for (const s of env.subjects) {
    const stack = stackOf(s.schema.domain);
    stack.schemas.add(s, layers.get(s.name) ?? 0, version);
    for (const r of s.schema.references) {
      const other = subjectDomain.get(r.subject);
      if (other !== undefined && other !== s.schema.domain) stack.addDependency(stackOf(other));
    }
  }

  // Topics, then who may use them: each domain stack holds what the catalog says it owns.
  for (const t of env.topics) stackOf(t.domain).topics.addTopic(t);
  for (const [name, stack] of domains) stack.grant(env.access.byOwner(name));

  if (options.adoption) {
    const adoption = options.adoption(envName);
    for (const stack of domains.values()) adoptExisting(stack, adoption);
  }

  const secrets =
    options.secrets === false || env.spec.kind === 'confluent-double'
      ? undefined
      : new SecretsStack(app, { env, platform });
  const runtime =
    options.runtime === false || !env.spec.runtime
      ? undefined
      : new RuntimeStack(app, { catalog, env, platform, domains: [...domains.values()] });
  return { platform, domains, ...(secrets ? { secrets } : {}), ...(runtime ? { runtime } : {}) };
}
