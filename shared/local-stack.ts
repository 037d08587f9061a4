// The local stack's address book: where its Kafka broker and registry listen and where its SCRAM
// credentials are. The local tooling (scripts/local) writes it when the stack comes up
// (`.local/run/address-book.json`); the services (reconciler, client app) only read it, so they
// never import the tooling that starts processes.
import fs from 'node:fs';
import path from 'node:path';
import { RECONCILER_APP, appPrincipal } from '../catalog/naming';
import { REPO_ROOT } from './repo-root';

export const ADMIN_USER = 'admin';
export const RECONCILER_USER = appPrincipal(RECONCILER_APP.domain, RECONCILER_APP.name);
export const SASL_MECHANISM = 'scram-sha-512';
/** Apicurio serves the Confluent API under this path. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';
export const DEFAULT_LOCAL_PORTS = { kafka: 19092, controller: 19093, registry: 18081 } as const;

/** `.local/` of this checkout: the local stack's state directory. */
export const DEFAULT_LOCAL_ROOT = path.join(REPO_ROOT, '.local');

export interface LocalAddressBook {
  /** Kafka bootstrap address (SASL_PLAINTEXT, SCRAM-SHA-512). */
  readonly bootstrap: string;
  /** Base URL of the registry's Confluent-compatible API. */
  readonly registryUrl: string;
  readonly credentialsFile: string;
}

/**
 * The address book's shape, checked by hand: every command that connects to the local stack
 * reads it, and a schema library would cost each of them more than the rest of the file.
 */
function asAddressBook(value: unknown): LocalAddressBook | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { bootstrap, registryUrl, credentialsFile } = value as Record<string, unknown>;
  const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (!text(bootstrap) || !text(credentialsFile) || !text(registryUrl)) return undefined;
  if (!URL.canParse(registryUrl)) return undefined;
  return { bootstrap, registryUrl, credentialsFile };
}

/** SCRAM passwords by user name (`.local/credentials.json`, mode 0600, never logged). */
export interface LocalCredentials {
  readonly mechanism: typeof SASL_MECHANISM;
  readonly users: Readonly<Record<string, string>>;
}

export interface LocalSasl {
  readonly mechanism: typeof SASL_MECHANISM;
  readonly username: string;
  readonly password: string;
}

/** A local stack that is not there, or not set up: the message says what to run. */
export class LocalStackMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackMissing';
  }
}

export function addressBookFile(root: string = DEFAULT_LOCAL_ROOT): string {
  return path.join(root, 'run', 'address-book.json');
}

/** The address book the tooling writes, with every value derived from the ports. */
export function addressesFor(
  root: string,
  ports: { readonly kafka: number; readonly registry: number },
): LocalAddressBook {
  return {
    bootstrap: `127.0.0.1:${ports.kafka}`,
    registryUrl: `http://127.0.0.1:${ports.registry}${CCOMPAT_PATH}`,
    credentialsFile: path.join(root, 'credentials.json'),
  };
}

/**
 * Where the local stack of `root` listens: its address book, or the default ports when it has
 * never been started (a connection then fails with the tool's own "is the stack up?" message).
 */
export function readAddressBook(root: string = DEFAULT_LOCAL_ROOT): LocalAddressBook {
  let raw: string;
  try {
    raw = fs.readFileSync(addressBookFile(root), 'utf8');
  } catch {
    return addressesFor(root, DEFAULT_LOCAL_PORTS);
  }
  const book = asAddressBook(parseJson(raw));
  if (!book) {
    throw new LocalStackMissing(
      `${addressBookFile(root)} is not a local stack address book: run \`npm run local:up\``,
    );
  }
  return book;
}

export function readLocalCredentials(file: string): LocalCredentials {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new LocalStackMissing(`No credentials at ${file}: start the stack with \`up\` first.`);
  }
  const parsed = (parseJson(raw) ?? {}) as Partial<LocalCredentials>;
  if (parsed.mechanism !== SASL_MECHANISM || typeof parsed.users !== 'object' || !parsed.users) {
    throw new LocalStackMissing(
      `${file} is not a streamplane credentials file; run \`up --fresh\`.`,
    );
  }
  return { mechanism: SASL_MECHANISM, users: { ...parsed.users } };
}

/** SASL settings for one of the users in the credentials file. */
export function localSasl(creds: LocalCredentials, user: string = ADMIN_USER): LocalSasl {
  const password = creds.users[user];
  if (password === undefined) throw new LocalStackMissing(`No credentials for user "${user}".`);
  return { mechanism: SASL_MECHANISM, username: user, password };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
