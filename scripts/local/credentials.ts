import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SASLOptions } from 'kafkajs';
import { StackError } from './errors';
import { stackPaths } from './paths';

export const ADMIN_USER = 'admin';
export const RECONCILER_USER = 'platform.reconciler';
export const SASL_MECHANISM = 'scram-sha-512';

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

export function readCredentials(file: string = stackPaths().credentialsFile): Credentials {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new StackError(`No credentials at ${file}: start the stack with \`up\` first.`);
  }
  const parsed = JSON.parse(raw) as Partial<Credentials>;
  if (parsed.mechanism !== SASL_MECHANISM || typeof parsed.users !== 'object' || !parsed.users) {
    throw new StackError(`${file} is not a streamplane credentials file; run \`up --fresh\`.`);
  }
  return { mechanism: SASL_MECHANISM, users: { ...parsed.users } };
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

export function passwordOf(creds: Credentials, user: string): string {
  const password = creds.users[user];
  if (password === undefined) throw new StackError(`No credentials for user "${user}".`);
  return password;
}

/** kafkajs `sasl` option for one of the users in the credentials file. */
export function saslFor(creds: Credentials, user: string = ADMIN_USER): SASLOptions {
  return { mechanism: SASL_MECHANISM, username: user, password: passwordOf(creds, user) };
}
