// The local stack behaves like the platform's Kafka: SCRAM logins, deny-by-default ACLs,
// data that survives a restart. Runs against the real broker; nothing is mocked.
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { ResourcePatternTypes } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { GRANT, userPrincipal } from '../../catalog/access';
import { freePort } from '../../scripts/local/ports';
import { ADMIN_USER, down, readCredentials, saslFor, up } from '../../scripts/local/stack';
import {
  TEST_APP_USER,
  adminKafka,
  credentials,
  kafkaAs,
  localStack,
  topicPrefix,
} from '../support/local';

const prefix = topicPrefix(__filename);

/** kafkajs wraps protocol errors; find the Kafka error type anywhere in the cause chain. */
function errorType(err: unknown): string | undefined {
  for (let e = err as { type?: string; cause?: unknown } | undefined; e;) {
    if (typeof e.type === 'string') return e.type;
    e = e.cause as typeof e;
  }
  return undefined;
}

describe('local Kafka broker', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = adminKafka().admin();
    await admin.connect();
  });

  afterAll(async () => {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    await admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: prefix,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal: userPrincipal(TEST_APP_USER),
          host: GRANT.host,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      ],
    });
    await admin.disconnect();
  });

  it('lets the admin create a topic', async () => {
    const topic = `${prefix}created`;
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(true);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(2);
  });

  it('rejects a wrong password', async () => {
    const wrong = new Kafka({
      clientId: 'it-wrong-password',
      brokers: [localStack().bootstrap],
      sasl: { mechanism: 'scram-sha-512', username: ADMIN_USER, password: 'not-the-password' },
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    await expect(wrong.connect()).rejects.toMatchObject({
      name: 'KafkaJSSASLAuthenticationError',
    });
    await wrong.disconnect();
  });

  it('denies an app without ACLs, then allows it once an ACL is created', async () => {
    const topic = `${prefix}acl`;
    await admin.createTopics({ topics: [{ topic }] });
    const send = async (): Promise<void> => {
      const quiet = { retry: { retries: 0 }, logLevel: logLevel.NOTHING };
      const producer = kafkaAs(TEST_APP_USER, quiet).producer();
      await producer.connect();
      try {
        await producer.send({ topic, messages: [{ value: 'hello' }] });
      } finally {
        await producer.disconnect();
      }
    };

    const denied = await send().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(errorType(denied)).toBe('TOPIC_AUTHORIZATION_FAILED');

    await admin.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: prefix,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal: userPrincipal(TEST_APP_USER),
          host: GRANT.host,
          operation: AclOperationTypes.WRITE,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
    // ACLs reach the authorizer through the metadata log; allow it a moment.
    let lastError: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await send();
        lastError = undefined;
        break;
      } catch (err) {
        lastError = err;
        await sleep(250);
      }
    }
    expect(lastError).toBeUndefined();
  });

  it('keeps SCRAM credentials in a 0600 file and never writes them to the logs', () => {
    const info = localStack();
    expect(fs.statSync(info.credentialsFile).mode & 0o777).toBe(0o600);
    const secrets = Object.values(credentials().users);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const log of Object.values(info.logs)) {
      const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      for (const secret of secrets) expect(text.includes(secret)).toBe(false);
    }
  });
});

// A second, private broker (temp dir, free ports): restarting it cannot disturb other test files.
describe('an isolated broker', () => {
  let root: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-it-'));
  });

  afterAll(async () => {
    await down({ root });
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps topics across a restart and adds new principals without a restart', async () => {
    const ports = { kafka: await freePort(), controller: await freePort() };
    const first = await up({ root, ports, services: ['kafka'] });
    expect(first.started).toEqual(['kafka']);
    const client = (user = ADMIN_USER): Kafka =>
      new Kafka({
        clientId: 'it-isolated',
        brokers: [first.bootstrap],
        sasl: saslFor(readCredentials(first.credentialsFile), user),
        logLevel: logLevel.NOTHING,
      });

    const admin = client().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'survivor' }] });
    await admin.disconnect();

    expect(await down({ root, services: ['kafka'] })).toEqual(['kafka']);
    const passwordsBefore = readCredentials(first.credentialsFile).users;
    const second = await up({
      root,
      ports,
      services: ['kafka'],
      principals: [{ domain: 'late', app: 'joiner' }],
    });
    expect(second.started).toEqual(['kafka']);

    const after = client().admin();
    await after.connect();
    expect(await after.listTopics()).toContain('survivor');
    await after.disconnect();

    // Existing users keep their passwords; the new app can log in straight away.
    const passwordsAfter = readCredentials(first.credentialsFile).users;
    expect(passwordsAfter[ADMIN_USER]).toBe(passwordsBefore[ADMIN_USER]);
    const joiner = client('late.joiner').admin();
    await joiner.connect();
    await joiner.disconnect();

    // Idempotent: a second `up` starts nothing.
    expect((await up({ root, ports, services: ['kafka'] })).started).toEqual([]);
  }, 180_000);
});

// Kafka keeps its messages across a restart, so the registry must keep the schema ids they carry.
describe('an isolated registry', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-it-'));
  });

  afterAll(async () => {
    await down({ root });
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps schemas and their ids across a restart', async () => {
    const ports = { registry: await freePort() };
    const first = await up({ root, ports, services: ['registry'] });
    expect(first.started).toEqual(['registry']);
    const schema = {
      type: 'record',
      name: 'Kept',
      namespace: 'it.streamplane',
      fields: [{ name: 'id', type: 'string' }],
    };
    const { id } = await new SchemaRegistry({ host: first.registryUrl }).register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: 'kept-value' },
    );

    expect(await down({ root, services: ['registry'] })).toEqual(['registry']);
    const second = await up({ root, ports, services: ['registry'] });
    expect(second.started).toEqual(['registry']);

    // A fresh client: no cache, so this asks the restarted registry for the id.
    const fetched = (await new SchemaRegistry({ host: second.registryUrl }).getSchema(
      id,
    )) as unknown as { name?: string };
    expect(fetched.name).toBe('it.streamplane.Kept');
  }, 180_000);
});
