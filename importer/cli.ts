// `npm run import -- --env <env> …`: reads a live cluster and registry and writes what they hold
// into a catalog directory, with a report of everything the catalog cannot say. Exit 0 imported,
// 1 error (cluster unreachable, bad connection file, broken platform.yaml), 2 usage.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../shared/repo-root';
import type { DomainOptions } from './domains';

const USAGE = `usage: npm run import -- --env <environment> [--connection <file.json>] [--domain <d>]…
                      [--out <catalog dir>] [--overwrite]
                      [--domain-pattern <regex> | --domain-map <file.json>]

  --env             an environment platform.yaml declares (local reads the local stack)
  --connection      the cluster and registry to read, and its principals (app id → principal)
  --domain          import only these domains (repeat the flag); default: every domain found
  --out             the catalog to write into (default: this repository); platform.yaml is
                    copied from this repository when the directory has none
  --overwrite       replace values the catalog already says differently (never without it)
  --domain-pattern  a regex whose "domain" group (or first group) is a topic's domain
                    (default: the topic name's first "."-separated segment)
  --domain-map      a JSON file of topic-name prefix → domain, e.g. {"orders.": "orders"}

Writes topics/<domain>.yaml, schemas/<domain>/…, platform.yaml additions and
import-report.<env>.md (also printed). Exit 0 imported, 1 error, 2 usage.`;

class UsageError extends Error {}

interface Args {
  env: string;
  connection?: string;
  domains: string[];
  out: string;
  overwrite: boolean;
  domainOptions: DomainOptions;
}

function parse(argv: string[]): Args {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        env: { type: 'string' },
        connection: { type: 'string' },
        domain: { type: 'string', multiple: true },
        out: { type: 'string' },
        overwrite: { type: 'boolean', default: false },
        'domain-pattern': { type: 'string' },
        'domain-map': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new UsageError('');
  if (!values.env) throw new UsageError('--env is required');
  if (values['domain-pattern'] !== undefined && values['domain-map'] !== undefined)
    throw new UsageError('give --domain-pattern or --domain-map, not both');
  const domainOptions: { pattern?: RegExp; map?: Record<string, string> } = {};
  if (values['domain-pattern'] !== undefined) {
    try {
      domainOptions.pattern = new RegExp(values['domain-pattern']);
    } catch (err) {
      throw new UsageError(`--domain-pattern: ${(err as Error).message}`);
    }
  }
  if (values['domain-map'] !== undefined) domainOptions.map = readDomainMap(values['domain-map']);
  for (const d of values.domain ?? [])
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(d))
      throw new UsageError(`--domain ${d}: a domain name is kebab-case, e.g. "orders"`);
  return {
    env: values.env,
    ...(values.connection !== undefined ? { connection: values.connection } : {}),
    domains: values.domain ?? [],
    out: resolve(values.out ?? REPO_ROOT),
    overwrite: values.overwrite,
    domainOptions,
  };
}

function readDomainMap(file: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--domain-map ${file}: ${(err as Error).message}`);
  }
  if (
    !raw ||
    typeof raw !== 'object' ||
    Array.isArray(raw) ||
    !Object.entries(raw).every(
      ([prefix, domain]) =>
        prefix.length > 0 &&
        typeof domain === 'string' &&
        /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(domain),
    )
  )
    throw new UsageError(
      `--domain-map ${file}: write a JSON object of topic-name prefix → domain (kebab-case), e.g. {"orders.": "orders"}`,
    );
  return raw as Record<string, string>;
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parse(argv);
  } catch (err) {
    const message = (err as Error).message;
    if (!message) {
      console.log(USAGE);
      return 0;
    }
    console.error(`import: ${message}\n\n${USAGE}`);
    return 2;
  }
  // The catalog and the Kafka client load only now: help and usage errors answer without them.
  const [
    { formatDiagnostic },
    { loadCatalog },
    { validateCatalog },
    { openClients },
    { ConnectionError, connectionFor },
    { domainRule },
    { readLive },
    { topicFilter, topicSubjects },
    { ensurePlatformFile, importLive },
    { RECONCILER_VARS },
  ] = await Promise.all([
    import('../catalog/diagnostics'),
    import('../catalog/loader'),
    import('../catalog/validate'),
    import('../reconciler/cluster/clients'),
    import('../reconciler/cluster/connection'),
    import('./domains'),
    import('./live'),
    import('./mapping'),
    import('./import'),
    import('../reconciler/config'),
  ]);
  /** The connection file's (or STREAMPLANE_PRINCIPALS') app id → principal map. */
  const principalMap = (file: string | undefined): Record<string, string> => {
    try {
      if (file)
        return (
          (JSON.parse(readFileSync(file, 'utf8')) as { principals?: Record<string, string> })
            .principals ?? {}
        );
      const raw = process.env[RECONCILER_VARS.principals];
      if (!raw) return {};
      return JSON.parse(raw.trim().startsWith('{') ? raw : readFileSync(raw, 'utf8')) as Record<
        string,
        string
      >;
    } catch (err) {
      throw new ConnectionError(`cannot read the principals: ${(err as Error).message}`);
    }
  };
  try {
    ensurePlatformFile(args.out);
    const platformFile = join(args.out, 'platform.yaml');
    const loaded = loadCatalog(args.out);
    const existing = loaded.model;
    if (!existing) {
      console.error(
        `import: ${platformFile} has errors; fix them first (npm run validate -- --root ${args.out})\n` +
          loaded.diagnostics
            .filter((d) => d.severity === 'error')
            .map(formatDiagnostic)
            .join('\n'),
      );
      return 1;
    }
    const spec = existing.platform.environments[args.env];
    if (!spec) {
      console.error(
        `import: platform.yaml declares no environment "${args.env}" (declared: ${existing.environments.join(', ')}); add it first`,
      );
      return 2;
    }
    const kind = spec.kind === 'local' ? 'local' : 'confluent-cloud';
    const connection = connectionFor(
      kind,
      args.connection ? { connectionFile: args.connection } : {},
    );
    const external = kind !== 'local' || args.connection !== undefined;
    const domainOf = domainRule(args.domainOptions);
    const clients = await openClients(connection);
    let live;
    try {
      live = await readLive(clients.admin, clients.registry, {
        wantTopic: topicFilter(domainOf, args.domains),
        subjectsOf: topicSubjects,
      });
    } finally {
      await clients.close();
    }
    const { text, reportFile } = importLive(live, {
      environment: args.env,
      out: args.out,
      existing,
      domains: args.domains,
      domainOptions: args.domainOptions,
      principals: external ? principalMap(args.connection) : {},
      external,
      overwrite: args.overwrite,
    });
    process.stdout.write(text);
    const v = validateCatalog(args.out, { cache: false });
    process.stdout.write(
      v.errorCount === 0
        ? `\nThe catalog in ${args.out} validates. Report: ${reportFile}\n`
        : `\nThe catalog in ${args.out} has ${v.errorCount} error(s) for a person to decide (npm run validate):\n` +
            v.diagnostics
              .filter((d) => d.severity === 'error')
              .slice(0, 20)
              .map((d) => `  ${formatDiagnostic(d)}`)
              .join('\n') +
            `\nReport: ${reportFile}\n`,
    );
    return 0;
  } catch (err) {
    console.error(`import: ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
