import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StackError, lastLines } from './errors';
import { cacheDir } from './paths';
import { checkMaven } from './prereqs';
import { sourceDir } from '../../shared/repo-root';

const POM = path.join(sourceDir(__dirname), 'pom.xml');
const TOOL_SOURCE = path.join(sourceDir(__dirname), 'LocalTool.java');
const DONE = '.complete';

export interface Versions {
  kafka: string;
  apicurio: string;
}

/** Paths of everything the stack runs, all inside the cache. */
export interface Artifacts {
  versions: Versions;
  kafkaClasspath: string;
  registryJar: string;
  /** Classpath of the compiled LocalTool helper plus the Kafka jars. */
  toolClasspath: string;
}

/** The pom is the one place versions are pinned; read them from it. */
export function pinnedVersions(pom: string = fs.readFileSync(POM, 'utf8')): Versions {
  const prop = (name: string): string => {
    const match = new RegExp(`<${name.replace('.', '\\.')}>([^<]+)</`).exec(pom);
    if (!match?.[1]) throw new Error(`${name} is not set in ${POM}`);
    return match[1].trim();
  };
  return { kafka: prop('kafka.version'), apicurio: prop('apicurio.version') };
}

async function run(cmd: string, args: string[], logFile: string): Promise<number> {
  const out = fs.openSync(logFile, 'w');
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(cmd, args, { stdio: ['ignore', out, out] });
      child.on('error', () => resolve(-1));
      child.on('exit', (code) => resolve(code ?? -1));
    });
  } finally {
    fs.closeSync(out);
  }
}

async function download(cache: string, log: (msg: string) => void): Promise<void> {
  checkMaven();
  log('Downloading Kafka and Apicurio Registry from Maven Central (first run only, ~160 MB)...');
  const logFile = path.join(cache, 'maven.log');
  const code = await run(
    'mvn',
    [
      '-B',
      '-f',
      POM,
      `-Dmaven.repo.local=${path.join(cache, 'm2')}`,
      `-Dstreamplane.cache=${cache}`,
      'dependency:copy-dependencies@kafka',
      'dependency:copy@registry',
    ],
    logFile,
  );
  if (code !== 0) {
    const tail = lastLines(fs.readFileSync(logFile, 'utf8'), 12);
    throw new StackError(
      `Downloading the local stack from Maven Central failed (mvn exit code ${code}). ` +
        `Check your network or proxy (Maven reads ~/.m2/settings.xml), then retry \`up\`. ` +
        `Full log: ${logFile}\n${tail}`,
    );
  }
}

async function unpack(archive: string, target: string): Promise<void> {
  const tmp = `${target}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const logFile = `${target}.unpack.log`;
  if ((await run('tar', ['-xzf', archive, '-C', tmp], logFile)) !== 0) {
    throw new StackError(`Could not unpack ${archive}; delete it and retry. Log: ${logFile}`);
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(tmp, target);
}

/** Compiled once per source and Kafka version: javac costs seconds, loading classes does not. */
async function compileTool(cache: string, kafkaClasspath: string, kafka: string): Promise<string> {
  const source = fs.readFileSync(TOOL_SOURCE);
  const hash = createHash('sha256').update(source).update(kafka).digest('hex').slice(0, 12);
  const dir = path.join(cache, 'tools', hash);
  if (fs.existsSync(path.join(dir, DONE))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'javac.log');
  if ((await run('javac', ['-cp', kafkaClasspath, '-d', dir, TOOL_SOURCE], logFile)) !== 0) {
    throw new StackError(`Compiling ${TOOL_SOURCE} failed:\n${fs.readFileSync(logFile, 'utf8')}`);
  }
  fs.writeFileSync(path.join(dir, DONE), '');
  return dir;
}

/** Resolves everything into the cache on first use; afterwards only checks marker files. */
export async function ensureArtifacts(log: (msg: string) => void = () => {}): Promise<Artifacts> {
  const cache = cacheDir();
  const versions = pinnedVersions();
  const kafkaDir = path.join(cache, `kafka-${versions.kafka}`);
  const registryDir = path.join(cache, `apicurio-${versions.apicurio}`);
  const archive = path.join(registryDir, `apicurio-registry-app-${versions.apicurio}-all.tar.gz`);
  const dist = path.join(registryDir, 'dist');
  fs.mkdirSync(cache, { recursive: true });

  if (!fs.existsSync(path.join(kafkaDir, DONE)) || !fs.existsSync(archive)) {
    await download(cache, log);
    fs.writeFileSync(path.join(kafkaDir, DONE), '');
  }
  if (!fs.existsSync(path.join(dist, DONE))) {
    log('Unpacking Apicurio Registry...');
    await unpack(archive, dist);
    fs.writeFileSync(path.join(dist, DONE), '');
  }
  const registryJar = fs
    .readdirSync(dist)
    .filter((f) => f.endsWith('-runner.jar') || f === 'quarkus-run.jar')
    .map((f) => path.join(dist, f))[0];
  if (!registryJar) throw new StackError(`No runnable jar in ${dist}; delete ${registryDir}.`);

  const kafkaClasspath = path.join(kafkaDir, 'libs', '*');
  const toolDir = await compileTool(cache, kafkaClasspath, versions.kafka);
  return {
    versions,
    kafkaClasspath,
    registryJar,
    toolClasspath: `${toolDir}${path.delimiter}${kafkaClasspath}`,
  };
}
