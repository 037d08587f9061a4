// A replica whose election consumer is refused its group (a non-retriable error: kafkajs stops the
// consumer for good) keeps trying, and leads once the access is granted, without a restart. On
// the real local stack, as a SCRAM user that has no ACL on the test's group.
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { createLogger } from '../../reconciler/log';
import { KafkaIo } from '../../reconciler/service/kafka-io';
import { allowBinding } from '../support/acl';
import { removeDomainResources, uniqueDomain } from '../support/reconciler-fixture';
import { sleep, until } from '../support/wait';

jest.setTimeout(120_000);

/** A user of the sample catalog: the local stack has its credentials, and no ACL on `domain`. */
const USER = 'orders.order-projector';

describe('leader election', () => {
  const domain = uniqueDomain();
  const requests = `${domain}.reconciliation-requests.v1`;
  const group = `${domain}.election`;
  const principal = `User:${USER}`;
  let admin: OpenClients;
  let io: KafkaIo | undefined;

  beforeAll(async () => {
    admin = await openClients(localConnection());
    const created = await admin.admin.createTopics([
      { name: requests, partitions: 1, replicationFactor: 1, config: {} },
    ]);
    expect(created).toEqual([undefined]);
    // Enough to subscribe (the topic's metadata), not to join the group; in force once the
    // broker lists it (it applies ACLs a little after answering).
    const describe = allowBinding(principal, 'TOPIC', requests, 'DESCRIBE');
    expect(await admin.admin.createAcls([describe])).toEqual([undefined]);
    await until(async () =>
      (await admin.admin.describeAcls()).some(
        (a) => a.principal === principal && a.resourceName === requests,
      ),
    );
  });

  afterAll(async () => {
    await io?.stop();
    await removeDomainResources(admin.admin, domain);
    await admin.close();
  });

  it('leads once its group is granted, after kafkajs stopped its consumer', async () => {
    const lines: string[] = [];
    const transitions: boolean[] = [];
    io = new KafkaIo({
      connection: localConnection({ user: USER }),
      topics: {
        requests,
        events: `${domain}.reconciler-events.v1`,
        errors: `${domain}.reconciler-errors.v1`,
        summary: `${domain}.reconciler-summary.v1`,
        subjects: {},
        schemas: {},
      },
      groupId: group,
      environment: 'local',
      log: createLogger({
        level: 'warn',
        destination: { write: (line: string) => void lines.push(line) },
      }),
      onRequest: () => undefined,
      onLeadership: (leader) => transitions.push(leader),
    });
    await io.start();
    // Refused: the consumer stopped for good, and this replica does not lead.
    await until(() => lines.some((l) => l.includes('leader election: consumer stopped')), 30_000);
    expect(io.isLeader()).toBe(false);
    // kafkajs gave up on it (no restart of its own): what the rejoin is for.
    expect(lines.join('\n')).toContain('"restart":false');

    const grant = [
      allowBinding(principal, 'GROUP', group, 'READ'),
      allowBinding(principal, 'TOPIC', requests, 'READ'),
    ];
    expect(await admin.admin.createAcls(grant)).toEqual([undefined, undefined]);
    await until(
      () => io?.isLeader(),
      60_000,
      () => `transitions: ${transitions.join(', ')}\n${lines.join('\n')}`,
    );
    expect(transitions).toEqual([true]);
    // Still the leader a moment later: joined once, not in a loop of rejoins.
    await sleep(2000);
    expect(io.isLeader()).toBe(true);
    expect(transitions).toEqual([true]);
  });
});
