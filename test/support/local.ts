// Helpers for integration tests against the local stack that the global setup started/reused.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';
import { ADMIN_USER, currentStack, readCredentials, saslFor } from '../../scripts/local/stack';
import type { AppPrincipal, Credentials, LocalStackInfo } from '../../scripts/local/stack';

/** An app principal the global setup always provisions, for authorization tests. */
export const TEST_APP: AppPrincipal = { domain: 'streamplane-test', app: 'probe' };
export const TEST_APP_USER = `${TEST_APP.domain}.${TEST_APP.app}`;

export function localStack(): LocalStackInfo {
  return currentStack();
}

export function credentials(): Credentials {
  return readCredentials(localStack().credentialsFile);
}

/** A kafkajs client authenticated as `user` (admin by default), quiet unless something fails. */
export function kafkaAs(user: string = ADMIN_USER, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: `it-${user}`,
    brokers: [localStack().bootstrap],
    sasl: saslFor(credentials(), user),
    logLevel: logLevel.ERROR,
    ...extra,
  });
}

export function adminKafka(extra: Partial<KafkaConfig> = {}): Kafka {
  return kafkaAs(ADMIN_USER, extra);
}

/**
 * A topic-name prefix unique to one test file and one run, so files (and reruns against a
 * long-lived stack) never see each other's topics, ACLs or subjects.
 */
export function topicPrefix(testFile: string): string {
  const name = path
    .basename(testFile)
    .replace(/\.test\.ts$/, '')
    .replace(/[^A-Za-z0-9-]/g, '-');
  return `it.${name}.${randomBytes(4).toString('hex')}.`;
}

/**
 * Waits until the broker's group coordinator answers: a fresh broker creates `__consumer_offsets`
 * on the first FindCoordinator, so a test that joins a group without retries would race it.
 */
export async function groupCoordinatorReady(): Promise<void> {
  // Quiet: the coordinator is expected to be unavailable for the first tries.
  const admin = adminKafka({
    retry: { retries: 10, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.describeGroups(['streamplane-it-coordinator']);
  } finally {
    await admin.disconnect();
  }
}
