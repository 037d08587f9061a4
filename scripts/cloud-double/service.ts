// Where the double's files live and how a running double is found: the local stack's
// conventions (`.local/`, a pid file under run/, a log under logs/), plus an address file
// other tools read (`run/cloud-double.json`: the URL) and the Cloud API key (0600, never printed).
// The double's data plane is a local stack of its own (`.local/cloud-double/stack`, other ports):
// a Confluent Cloud cluster is not the laptop's broker, and the local environment (npm start)
// creates the same topic names as a confluent-double environment of the same catalog.
import fs from 'node:fs';
import path from 'node:path';
import { stackPaths } from '../local/paths';
import { isAlive } from '../local/proc';
import { terraformEnv } from '../providers/terraform';
import { DOUBLE_DEFAULT_PORT, DOUBLE_ENDPOINT_VARIABLE } from '../../stacks/shared/names';

export const DEFAULT_DOUBLE_PORT = DOUBLE_DEFAULT_PORT;
export const PORT_ENV = 'STREAMPLANE_CLOUD_DOUBLE_PORT';
/** The argument that tags the double's process, so a recycled pid is never taken for it. */
export const PROCESS_TAG = '--streamplane-service=cloud-double';

/** Ports of the double's own Kafka broker and registry (next to the local stack's). */
export const DOUBLE_STACK_PORTS = { kafka: 19192, controller: 19193, registry: 18182 };

export interface DoublePaths {
  /** The root of the double's own local stack (Kafka + registry). */
  readonly stackRoot: string;
  readonly stateFile: string;
  readonly credentialsFile: string;
  readonly addressFile: string;
  readonly pidFile: string;
  readonly logFile: string;
}

export function doublePaths(root?: string): DoublePaths {
  const p = stackPaths(root);
  const dir = path.join(p.root, 'cloud-double');
  return {
    stackRoot: path.join(dir, 'stack'),
    stateFile: path.join(dir, 'state.json'),
    credentialsFile: path.join(dir, 'cloud-api-key.json'),
    addressFile: path.join(p.runDir, 'cloud-double.json'),
    pidFile: path.join(p.runDir, 'cloud-double.pid'),
    logFile: path.join(p.logsDir, 'cloud-double.log'),
  };
}

export interface RunningDouble {
  readonly pid: number;
  readonly url: string;
}

/** The running double of this checkout (pid alive and tagged), or undefined. */
export function runningDouble(paths: DoublePaths = doublePaths()): RunningDouble | undefined {
  try {
    const pid = Number(fs.readFileSync(paths.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!cmdline.includes(PROCESS_TAG)) return undefined;
    const { url } = JSON.parse(fs.readFileSync(paths.addressFile, 'utf8')) as { url: string };
    return { pid, url };
  } catch {
    return undefined;
  }
}

export interface CloudApiKey {
  readonly key: string;
  readonly secret: string;
}

/** The running double's Cloud API key (written by its process, mode 0600). */
export function cloudApiKey(paths: DoublePaths = doublePaths()): CloudApiKey {
  return JSON.parse(fs.readFileSync(paths.credentialsFile, 'utf8')) as CloudApiKey;
}

/** What Terraform needs to reach a double: the CLI config, its Cloud API key and its URL. */
export function doubleTerraformEnv(url: string, key: CloudApiKey): NodeJS.ProcessEnv {
  return {
    ...terraformEnv(),
    CONFLUENT_CLOUD_API_KEY: key.key,
    CONFLUENT_CLOUD_API_SECRET: key.secret,
    [`TF_VAR_${DOUBLE_ENDPOINT_VARIABLE}`]: url,
  };
}
