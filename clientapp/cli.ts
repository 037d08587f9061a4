// `npm run clientapp -- [--count N] [--producer domain/app] [--consumer domain/app] [--topic T]
//   [--setup] [--verbose]`: a round trip against the local stack (or whatever the KAFKA_*
// environment variables point at), printing what was published and consumed.
import { parseArgs } from 'node:util';
import { asksForHelp } from '../shared/cli';
import { ClientError } from './errors';

const USAGE =
  'usage: npm run clientapp -- [--count N] [--producer domain/app] [--consumer domain/app] ' +
  '[--topic name|key] [--group id] [--setup]';

async function main(): Promise<number> {
  if (asksForHelp(process.argv.slice(2))) {
    console.log(USAGE);
    return 0;
  }
  // The Kafka clients and the reconciler load only for a round trip, not for --help.
  const [{ applyLocal }, { DEFAULTS, roundTrip }] = await Promise.all([
    import('../reconciler/local'),
    import('./round-trip'),
  ]);
  let args;
  try {
    args = parseArgs({
      options: {
        count: { type: 'string', default: String(DEFAULTS.count) },
        producer: { type: 'string', default: DEFAULTS.producer },
        consumer: { type: 'string', default: DEFAULTS.consumer },
        topic: { type: 'string', default: DEFAULTS.topic },
        group: { type: 'string' },
        setup: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const count = Number(args.count);
  if (!Number.isInteger(count) || count < 1) {
    console.error(`--count must be a positive integer, got "${args.count}"\n${USAGE}`);
    return 2;
  }

  // Ctrl-C / SIGTERM: stop consuming, close both clients (leaving the group cleanly), exit.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: shutting down`);
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (args.setup) {
      // The reconciler applies the whole catalog to the local stack, as `npm start` does.
      const applied = await applyLocal();
      if (applied.state !== 'succeeded') {
        console.error(
          `error: applying the catalog failed${applied.error ? `: ${applied.error}` : ''} ` +
            '(npm run plan -- --env local shows what is missing)',
        );
        return 1;
      }
      const { commands, succeeded } = applied.counts;
      console.log(
        commands === 0
          ? 'catalog already applied to the local stack'
          : `catalog applied to the local stack: ${succeeded} of ${commands} commands`,
      );
    }
    const result = await roundTrip({
      count,
      producer: args.producer,
      consumer: args.consumer,
      topic: args.topic,
      ...(args.group ? { group: args.group } : {}),
      signal: stop.signal,
      log: (line) => console.log(line),
    });
    console.log(
      `${result.published.length} published by ${args.producer}, ${result.consumed.length} consumed ` +
        `by ${args.consumer} on ${result.topic} in ${result.ms} ms`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ClientError) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
