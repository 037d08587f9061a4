// The local stack's address book: the tooling writes it, the services read it, and no service
// imports the tooling that starts processes.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_LOCAL_PORTS,
  LocalStackMissing,
  addressBookFile,
  addressesFor,
  localSasl,
  readAddressBook,
  readLocalCredentials,
} from '../../../shared/local-stack';
import { REPO_ROOT } from '../../../shared/repo-root';

const root = (): string => mkdtempSync(join(tmpdir(), 'streamplane-book-'));

test('a stack never started: the default ports, and its own credentials file', () => {
  const r = root();
  expect(readAddressBook(r)).toEqual({
    bootstrap: `127.0.0.1:${DEFAULT_LOCAL_PORTS.kafka}`,
    registryUrl: `http://127.0.0.1:${DEFAULT_LOCAL_PORTS.registry}/apis/ccompat/v7`,
    credentialsFile: join(r, 'credentials.json'),
  });
});

test('what the tooling writes is what the services read', () => {
  const r = root();
  mkdirSync(join(r, 'run'));
  const book = addressesFor(r, { kafka: 29092, registry: 28081 });
  writeFileSync(addressBookFile(r), JSON.stringify(book));
  expect(readAddressBook(r)).toEqual({
    bootstrap: '127.0.0.1:29092',
    registryUrl: 'http://127.0.0.1:28081/apis/ccompat/v7',
    credentialsFile: join(r, 'credentials.json'),
  });
});

test('a damaged address book or credentials file is a message, not a stack trace', () => {
  const r = root();
  mkdirSync(join(r, 'run'));
  writeFileSync(addressBookFile(r), '{ not json');
  expect(() => readAddressBook(r)).toThrow(LocalStackMissing);
  expect(() => readAddressBook(r)).toThrow(/npm run local:up/);
  expect(() => readLocalCredentials(join(r, 'credentials.json'))).toThrow(
    /No credentials at .*credentials\.json: start the stack/,
  );
  writeFileSync(join(r, 'credentials.json'), '[]');
  expect(() => readLocalCredentials(join(r, 'credentials.json'))).toThrow(/not a streamplane/);
});

test('SASL settings for a user of the credentials file, and a clear refusal for another', () => {
  const r = root();
  const file = join(r, 'credentials.json');
  writeFileSync(file, JSON.stringify({ mechanism: 'scram-sha-512', users: { admin: 'pw' } }));
  expect(localSasl(readLocalCredentials(file))).toEqual({
    mechanism: 'scram-sha-512',
    username: 'admin',
    password: 'pw',
  });
  expect(() => localSasl(readLocalCredentials(file), 'orders.order-service')).toThrow(
    'No credentials for user "orders.order-service".',
  );
});

test('no service imports the local tooling (scripts/)', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (
        e.name.endsWith('.ts') &&
        /from '[./]*scripts\//.test(readFileSync(join(REPO_ROOT, rel), 'utf8'))
      ) {
        offenders.push(rel);
      }
    }
  };
  for (const service of ['reconciler', 'clientapp']) walk(service);
  expect(offenders).toEqual([]);
});
