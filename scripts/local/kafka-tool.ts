import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { StackError, lastLines, redact } from './errors';
import { spawnPrivate } from './permissions';

export type UserSecret = readonly [name: string, password: string];

/** Runs LocalTool.java (compiled in the cache); secrets go over stdin, never argv. */
function runTool(classpath: string, args: string[], users: readonly UserSecret[]): Promise<string> {
  const secrets = users.map(([, password]) => password);
  return new Promise((resolve, reject) => {
    // Under umask 077: `format` writes the SCRAM records into the data directory.
    const child = spawnPrivate('java', ['-Xmx256m', '-cp', classpath, 'LocalTool', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }) as ChildProcessWithoutNullStreams;
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new StackError(`Could not run java: ${err.message}`)));
    // 'close', not 'exit': the tool's last output may still be in the pipes when it exits.
    child.on('close', (code, sig) => {
      const clean = redact(output, secrets);
      if (code === 0) resolve(clean);
      else {
        const why = sig ? `was stopped by ${sig}` : `exited with code ${code}`;
        reject(new StackError(`Kafka helper \`${args[0]}\` ${why}:\n${lastLines(clean, 20)}`));
      }
    });
    child.stdin.end(users.map(([name, password]) => `${name}\t${password}\n`).join(''));
  });
}

/** Formats KRaft storage with a SCRAM-SHA-512 credential for each user. */
export async function formatStorage(
  classpath: string,
  serverProperties: string,
  users: readonly UserSecret[],
): Promise<void> {
  await runTool(classpath, ['format', serverProperties], users);
}

/** Creates or resets SCRAM credentials at runtime, all in one JVM, authenticated as admin. */
export async function upsertUsers(
  classpath: string,
  bootstrap: string,
  admin: UserSecret,
  users: readonly UserSecret[],
): Promise<void> {
  if (users.length > 0) await runTool(classpath, ['add-users', bootstrap], [admin, ...users]);
}

/** Deletes SCRAM credentials at runtime (absent ones are skipped), authenticated as admin. */
export async function removeUsers(
  classpath: string,
  bootstrap: string,
  admin: UserSecret,
  names: readonly string[],
): Promise<void> {
  const users = names.map((n): UserSecret => [n, '']);
  if (users.length > 0) await runTool(classpath, ['remove-users', bootstrap], [admin, ...users]);
}
