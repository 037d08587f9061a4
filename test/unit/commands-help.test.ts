// Every command line answers `--help` alike: each package.json script that runs
// `node scripts/run.cjs <entry> [command]`, run as npm runs it with `-- --help` added, as a whole
// process. Usage on stdout, nothing on stderr, exit 0, and none of the heavy libraries loaded:
// help does nothing else (`npm run local:down -- --help` stops nothing, `npm start -- --help`
// starts nothing) and costs a node start-up, not a Kafka client's.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/repo-root';

/** Libraries only the commands' work needs (the launcher's own TypeScript, when it rebuilds, aside). */
const HEAVY = [
  'kafkajs',
  'node-rdkafka',
  'fastify',
  'avsc',
  'protobufjs',
  'ajv',
  'cdktf',
  'constructs',
  '@cdktf/provider-aws',
  '@cdktf/provider-kubernetes',
  'pino',
  'prom-client',
  'prettier',
  '@ovotech/avro-ts',
  'json-schema-to-typescript',
];

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS, shared with bin/
const { launcherCommands } = require('../../scripts/commands.cjs') as {
  launcherCommands: (root: string) => Map<string, [string, string[]]>;
};

/** [script name, entry, arguments before --help] for each script run through the launcher. */
function launcherScripts(): [string, string, string[]][] {
  return [...launcherCommands(REPO_ROOT)].map(([name, [entry, args]]) => [name, entry, args]);
}

interface Answer {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly packages: readonly string[];
}

const dir = mkdtempSync(join(tmpdir(), 'streamplane-help-'));
/** Preloaded into each command: writes the packages it loaded to $PACKAGES_FILE at exit. */
const PRELOAD = join(dir, 'packages.cjs');
writeFileSync(
  PRELOAD,
  `process.on('exit', () => {
  const names = new Set();
  for (const f of Object.keys(require.cache)) {
    const m = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f);
    if (m) names.add(m[1].replace(/\\\\/g, '/'));
  }
  require('fs').writeFileSync(process.env.PACKAGES_FILE, JSON.stringify([...names]));
});
`,
);

function help(name: string, entry: string, args: readonly string[]): Promise<Answer> {
  const packagesFile = join(dir, `${name.replace(/\W/g, '_')}.json`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'scripts/run.cjs'), entry, ...args, '--help'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          ...process.env,
          NODE_OPTIONS: `--require ${PRELOAD}`,
          PACKAGES_FILE: packagesFile,
          // Nothing may be reached; if a command did start something, it would fail here.
          STREAMPLANE_KAFKA_PORT: '1',
          STREAMPLANE_REGISTRY_PORT: '1',
        },
      },
      (err, stdout, stderr) => {
        let packages: string[] = [];
        try {
          packages = JSON.parse(readFileSync(packagesFile, 'utf8')) as string[];
        } catch {
          // The process died before exiting normally: the exit code says so.
        }
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr, packages });
      },
    );
  });
}

const scripts = launcherScripts();
const answers = new Map<string, Promise<Answer>>();

beforeAll(() => {
  // A few at a time: whole processes on a shared machine.
  const chain: Promise<unknown>[] = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
  scripts.forEach(([name, entry, args], i) => {
    const lane = i % chain.length;
    const answer = (chain[lane] as Promise<unknown>).then(() => help(name, entry, args));
    chain[lane] = answer;
    answers.set(name, answer);
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the launcher runs every command line in package.json', () => {
  expect(scripts.map(([name]) => name)).toEqual(
    expect.arrayContaining(['validate', 'plan', 'apply', 'local:up', 'start', 'reconciler']),
  );
});

test.each(scripts.map(([name]) => name))(
  'npm run %s -- --help: usage, exit 0, no heavy library loaded',
  async (name) => {
    const a = await (answers.get(name) as Promise<Answer>);
    expect({ code: a.code, stderr: a.stderr }).toEqual({ code: 0, stderr: '' });
    expect(a.stdout).toMatch(/^usage: /i);
    expect(a.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  },
  240_000,
);
