import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../shared/repo-root';

export type Service = 'kafka' | 'registry';
export const SERVICES: readonly Service[] = ['kafka', 'registry'];

/** Where a stack keeps its state; `.local/` of the repo unless a test asks for another root. */
export interface StackPaths {
  root: string;
  credentialsFile: string;
  kafkaDir: string;
  kafkaData: string;
  kafkaConfig: string;
  log4jConfig: string;
  /** Names of SCRAM users known to exist in this data dir (no secrets). */
  provisionedFile: string;
  registryDir: string;
  runDir: string;
  stateFile: string;
  lockFile: string;
  logsDir: string;
  pidFile(service: Service): string;
  logFile(service: Service): string;
}

export function stackPaths(root: string = path.join(REPO_ROOT, '.local')): StackPaths {
  const kafkaDir = path.join(root, 'kafka');
  const runDir = path.join(root, 'run');
  const logsDir = path.join(root, 'logs');
  return {
    root,
    credentialsFile: path.join(root, 'credentials.json'),
    kafkaDir,
    kafkaData: path.join(kafkaDir, 'data'),
    kafkaConfig: path.join(kafkaDir, 'server.properties'),
    log4jConfig: path.join(kafkaDir, 'log4j.properties'),
    provisionedFile: path.join(kafkaDir, 'provisioned-users.json'),
    registryDir: path.join(root, 'registry'),
    runDir,
    stateFile: path.join(runDir, 'state.json'),
    lockFile: path.join(runDir, 'up.lock'),
    logsDir,
    pidFile: (service) => path.join(runDir, `${service}.pid`),
    logFile: (service) => path.join(logsDir, `${service}.log`),
  };
}

/** Downloaded jars live outside the repo so `--fresh` and new clones stay offline and fast. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STREAMPLANE_CACHE ?? path.join(os.homedir(), '.cache', 'streamplane');
}
