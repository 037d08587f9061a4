import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SASLOptions } from 'kafkajs';
import {
  ADMIN_USER,
  LocalStackMissing,
  RECONCILER_USER,
  SASL_MECHANISM,
  readLocalCredentials,
} from '../../shared/local-stack';
import { StackError } from './errors';
import { stackPaths } from './paths';

export { ADMIN_USER, RECONCILER_USER, SASL_MECHANISM };

/** `.local/credentials.json`: SCRAM passwords by user name. Mode 0600, never logged. */
export interface Credentials {
  mechanism: typeof SASL_MECHANISM;
  users: Record<string, string>;
}

// Names travel inside `[name=...,password=...]` and tab-separated lines to the Java helper.
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function assertUserName(name: string): void {
  if (!USER_NAME.test(name)) {
    throw new StackError(
      `"${name}" cannot be a Kafka principal: use letters, digits, ".", "_" and "-" only.`,
    );
  }
}

export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The credentials file, read as the services read it (shared/local-stack.ts). */
export function readCredentials(file: string = stackPaths().credentialsFile): Credentials {
  try {
    const creds = readLocalCredentials(file);
    return { mechanism: creds.mechanism, users: { ...creds.users } };
  } catch (err) {
    throw err instanceof LocalStackMissing ? new StackError(err.message) : err;
  }
}

export function readCredentialsIfPresent(file: string): Credentials | undefined {
  return fs.existsSync(file) ? readCredentials(file) : undefined;
}

/** Atomic write with mode 0600 from the first byte, so the secrets are never world-readable. */
export function writeCredentials(file: string, creds: Credentials): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

/** Adds a password for every missing user; existing users keep theirs. */
export function withUsers(
  creds: Credentials | undefined,
  names: readonly string[],
): { creds: Credentials; added: string[] } {
  const users = { ...(creds?.users ?? {}) };
  const added: string[] = [];
  for (const name of names) {
    assertUserName(name);
    if (users[name] === undefined) {
      users[name] = generatePassword();
      added.push(name);
    }
  }
  return { creds: { mechanism: SASL_MECHANISM, users }, added };
}

/** Users in `owned` that are not wanted any more: their apps left the catalog. */
export function removedUsers(
  creds: Credentials,
  wanted: readonly string[],
  owned: ((name: string) => boolean) | undefined,
): string[] {
  if (!owned) return [];
  const keep = new Set(wanted);
  return Object.keys(creds.users)
    .filter((n) => owned(n) && !keep.has(n))
    .sort();
}

/** The same credentials without these users (their SCRAM users removed from the broker). */
export function withoutUsers(creds: Credentials, names: readonly string[]): Credentials {
  const gone = new Set(names);
  const users = Object.fromEntries(Object.entries(creds.users).filter(([n]) => !gone.has(n)));
  return { mechanism: creds.mechanism, users };
}

export function passwordOf(creds: Credentials, user: string): string {
  const password = creds.users[user];
  if (password === undefined) throw new StackError(`No credentials for user "${user}".`);
  return password;
}

/** kafkajs `sasl` option for one of the users in the credentials file. */
export function saslFor(creds: Credentials, user: string = ADMIN_USER): SASLOptions {
  return { mechanism: SASL_MECHANISM, username: user, password: passwordOf(creds, user) };
}
