// `plan` and `apply` against one environment. Exit codes: 0 in sync / applied, 2 drift found
// (plan) or refused changes left (apply), 1 error. User mistakes print a message, never a trace.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { OpenClients } from './cluster/clients';
import type { Connection } from './cluster/connection';
import type { PlanFormat } from './plan/render';
import { REPO_ROOT } from '../shared/repo-root';

const USAGE = `usage: reconciler <plan|apply> --env <environment> [--format human|json|markdown]
                  [--root <catalog dir>] [--connection <file.json>]

  plan    compare the catalog with the cluster; exit 0 in sync, 2 drift, 1 error
  apply   make the cluster match the catalog;   exit 0 applied, 2 refusals left, 1 error

--env local uses the local stack (npm start); any other environment needs --connection
or STREAMPLANE_* variables (see reconciler/cluster/connection.ts).`;

interface Args {
  command: 'plan' | 'apply';
  env: string;
  format: PlanFormat;
  root: string;
  connection?: string;
}

class UsageError extends Error {}

const OPTIONS = {
  env: { type: 'string' },
  format: { type: 'string' },
  root: { type: 'string' },
  connection: { type: 'string' },
} as const;

function parseCommandLine(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'plan' && command !== 'apply')
    throw new UsageError(`unknown command "${command ?? ''}"`);
  // Not strict: node's own messages name no command and no usage, these do.
  const { values, tokens } = parseArgs({
    args: rest,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens) {
    if (t.kind === 'positional') throw new UsageError(`unexpected argument "${t.value}"`);
    if (t.kind !== 'option') continue;
    if (!t.rawName.startsWith('--')) throw new UsageError(`unexpected argument "${t.rawName}"`);
    if (!Object.hasOwn(OPTIONS, t.name)) throw new UsageError(`unknown option --${t.name}`);
    if (t.value === undefined) throw new UsageError(`--${t.name} needs a value`);
  }
  const flag = (name: keyof typeof OPTIONS): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const env = flag('env');
  if (!env) throw new UsageError('--env is required');
  const format = (flag('format') ?? 'human') as PlanFormat;
  if (!['human', 'json', 'markdown'].includes(format))
    throw new UsageError(`--format must be human, json or markdown`);
  const connection = flag('connection');
  return {
    command,
    env,
    format,
    root: path.resolve(flag('root') ?? REPO_ROOT),
    ...(connection ? { connection } : {}),
  };
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let args: Args;
  try {
    args = parseCommandLine(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 1;
  }
  // The cluster is read while the catalog loads: the read starts first, on a guess of the
  // connection and of the managed topics, both checked against the catalog once it is loaded.
  const ahead = await readAhead(args);
  let handedOver = false;
  try {
    // The commands' modules (the catalog, the Kafka client) load only now: help and usage errors
    // answer without them. Each loads in a turn of its own, so that the reads started ahead
    // (connecting, authenticating, the metadata) advance in between.
    const inTurn = turns();
    const [
      { renderResults },
      { CatalogError, loadEnvironment },
      { openClients },
      { ConnectionError, connectionFor },
      { renderPlan },
      { readAndPlan, reconcilePass },
      { desiredState },
    ] = await Promise.all([
      inTurn(() => import('./apply/render')),
      inTurn(() => import('./catalog-source')),
      inTurn(() => import('./cluster/clients')),
      inTurn(() => import('./cluster/connection')),
      inTurn(() => import('./plan/render')),
      inTurn(() => import('./reconcile')),
      inTurn(() => import('./state/desired')),
    ]);
    // Loading the catalog keeps this thread busy: let the reads reach the broker first, which
    // then works on them meanwhile (bounded: a broker slow to answer is waited for later).
    await ahead?.sent(SEND_AHEAD_MS);
    try {
      const env = loadEnvironment(args.root, args.env);
      const kind = env.spec.kind === 'local' ? 'local' : 'confluent-cloud';
      const early = ahead?.fits(kind) ? ahead : undefined;
      const connection =
        early?.connection ??
        connectionFor(kind, args.connection ? { connectionFile: args.connection } : {});
      const desired = desiredState(env, connection.naming);
      const readingAhead = await early?.ready;
      handedOver = readingAhead !== undefined;
      const clients = readingAhead ?? (await openClients(connection));
      const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
      try {
        if (args.command === 'plan') {
          const { plan } = await readAndPlan(desired, clients);
          process.stdout.write(renderPlan(plan, args.format, { color }));
          return plan.inSync ? 0 : 2;
        }
        const report = await reconcilePass(desired, clients, {
          mode: 'enforce',
          progress: {
            planned: (plan) => {
              if (args.format !== 'json')
                process.stdout.write(renderPlan(plan, args.format, { color }));
            },
          },
        });
        process.stdout.write(renderResults(report, args.format, { color }));
        if (report.state === 'failed') return 1;
        return (report.remaining ?? report.plan)?.refusals.some((r) => r.drift) ? 2 : 0;
      } finally {
        await clients.close();
      }
    } catch (err) {
      if (err instanceof CatalogError || err instanceof ConnectionError) {
        console.error(err.message);
        return 1;
      }
      console.error(`reconciler: ${(err as Error).message}`);
      return 1;
    }
  } finally {
    if (!handedOver) await ahead?.close();
  }
}

/**
 * Starts reading the cluster before the catalog is loaded. The connection is guessed: the given
 * connection file (whatever the environment's kind), else the local stack, which is right only
 * for a local environment (`fits`). The managed topics are guessed from the domain files' names.
 * Undefined when the guessed connection cannot even be described (the command then reports it
 * after the catalog, as it always has).
 */
async function readAhead(args: Args): Promise<
  | {
      connection: Connection;
      fits(kind: 'local' | 'confluent-cloud'): boolean;
      ready: Promise<OpenClients | undefined>;
      /** Waits (at most `ms`) until the reads are on their way. */
      sent(ms: number): Promise<void>;
      close(): Promise<void>;
    }
  | undefined
> {
  const [{ openReadingAhead }, { connectionFor }, { domainsByFileName }, { domainPrefix }] =
    await Promise.all([
      import('./cluster/clients'),
      import('./cluster/connection'),
      import('../catalog/layout'),
      import('../catalog/naming'),
    ]);
  let connection: Connection;
  try {
    connection = args.connection
      ? connectionFor('confluent-cloud', { connectionFile: args.connection })
      : connectionFor('local');
  } catch {
    return undefined;
  }
  const prefixes = domainsByFileName(args.root).map(domainPrefix);
  const { ready, sent, close } = openReadingAhead(connection, prefixes);
  return {
    connection,
    fits: (kind) => args.connection !== undefined || kind === 'local',
    ready,
    sent: (ms) => Promise.race([sent, new Promise<void>((r) => setTimeout(r, ms).unref())]),
    close,
  };
}

/** Runs each function given after the previous one's, a turn of the event loop apart. */
function turns(): <T>(run: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (run) => {
    const next = last.then(() => new Promise<void>((r) => setImmediate(r))).then(run);
    last = next;
    return next;
  };
}

/** How long the command waits for its reads to be on their way before loading its catalog. */
const SEND_AHEAD_MS = 300;

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
