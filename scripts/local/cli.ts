// Local Kafka + schema registry: `node scripts/run.cjs scripts/local/cli.ts up|down|status|logs`.
// Each command loads its own modules (the stack's pull in kafkajs, the catalog, zod): help and
// usage errors answer without them.
import fs from 'node:fs';
import { asksForHelp } from '../../shared/cli';
import { StackError } from './errors';
import { stackPaths } from './paths';
import type { Service } from './paths';
import type { Ports } from './ports';

const USAGE = `Usage: cli.ts <command>
  up [--fresh] [--kafka-port N] [--controller-port N] [--registry-port N]
  down
  status
  logs [kafka|registry] [-n LINES] [-f]`;

async function parseUpArgs(args: string[]): Promise<{ fresh: boolean; ports: Partial<Ports> }> {
  const { parsePort } = await import('./ports');
  const ports: Partial<Ports> = {};
  let fresh = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new StackError(`${arg} needs a value.\n${USAGE}`);
      return v;
    };
    if (arg === '--fresh') fresh = true;
    else if (arg === '--kafka-port') ports.kafka = parsePort(value(), arg);
    else if (arg === '--controller-port') ports.controller = parsePort(value(), arg);
    else if (arg === '--registry-port') ports.registry = parsePort(value(), arg);
    else throw new StackError(`Unknown option ${arg}.\n${USAGE}`);
  }
  return { fresh, ports };
}

async function cmdUp(args: string[]): Promise<void> {
  const { fresh, ports } = await parseUpArgs(args);
  const [{ loadLocalUsers }, { upInteractive }] = await Promise.all([
    import('./principals'),
    import('./up-interactive'),
  ]);
  const info = await upInteractive({ fresh, ports, ...loadLocalUsers() });
  if (!info) process.exitCode = 130;
}

async function cmdStatus(): Promise<void> {
  const { status } = await import('./stack');
  const { info, services } = await status();
  for (const s of services) {
    const state = s.pid === undefined ? 'stopped' : s.healthy ? 'healthy' : 'running, NOT healthy';
    const rss = s.rssBytes === undefined ? '' : `  rss ${(s.rssBytes / 2 ** 20).toFixed(0)} MiB`;
    const pid = s.pid === undefined ? '' : `  pid ${s.pid}`;
    const listening = s.listening ? 'listening' : 'not listening';
    console.log(
      `${s.service.padEnd(8)} ${state}${pid}  ports ${s.ports.join(',')} ${listening}${rss}`,
    );
  }
  console.log(`bootstrap ${info.bootstrap}  registry ${info.registryUrl}`);
  console.log(`credentials ${info.credentialsFile}`);
  if (services.some((s) => !s.healthy)) process.exitCode = 1;
}

async function cmdLogs(args: string[]): Promise<void> {
  const paths = stackPaths();
  const service = (args.find((a) => a === 'kafka' || a === 'registry') ?? 'kafka') as Service;
  const nIndex = args.indexOf('-n');
  const lines = nIndex >= 0 ? Number(args[nIndex + 1]) : 100;
  const file = paths.logFile(service);
  if (!fs.existsSync(file)) throw new StackError(`No log yet at ${file}: run \`up\` first.`);
  let printed = fs.statSync(file).size;
  console.log(fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'));
  if (!args.includes('-f')) return;
  // Follow: print what is appended until Ctrl-C.
  fs.watchFile(file, { interval: 500 }, (cur) => {
    if (cur.size < printed) printed = 0;
    if (cur.size === printed) return;
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(cur.size - printed);
    fs.readSync(fd, buf, 0, buf.length, printed);
    fs.closeSync(fd);
    printed = cur.size;
    process.stdout.write(buf);
  });
  await new Promise<void>(() => undefined);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (asksForHelp(argv)) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'up':
      return cmdUp(args);
    case 'down': {
      if (args.length > 0) throw new StackError(`Unknown option ${args[0]}.\n${USAGE}`);
      const { down } = await import('./stack');
      const stopped = await down();
      console.log(stopped.length > 0 ? `Stopped ${stopped.join(' + ')}.` : 'Nothing was running.');
      return;
    }
    case 'status':
      if (args.length > 0) throw new StackError(`Unknown option ${args[0]}.\n${USAGE}`);
      return cmdStatus();
    case 'logs':
      return cmdLogs(args);
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

// A closed pipe (`cli.ts up | head`) must not kill the process before it cleans up.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof StackError) console.error(`error: ${err.message}`);
  else console.error(err);
  process.exitCode = process.exitCode || 1;
});
