import { userPrincipal } from '../../catalog/access';
import type { Ports } from './ports';

export interface BrokerConfig {
  ports: Ports;
  dataDir: string;
  adminUser: string;
  adminPassword: string;
}

/**
 * KRaft combined mode, one node, everything on 127.0.0.1.
 * - CLIENT: SASL_PLAINTEXT + SCRAM-SHA-512, because SCRAM users live in the metadata log and
 *   can be added at runtime (PLAIN users would need a restart).
 * - CONTROLLER: SASL_PLAINTEXT + PLAIN with a static admin user: SCRAM cannot authenticate
 *   controller traffic (credentials are not loaded yet), and a PLAINTEXT controller would make
 *   ANONYMOUS a principal that needs super-user rights.
 * The file holds the admin password, so it is written with mode 0600.
 */
export function serverProperties(c: BrokerConfig): string {
  const scramJaas =
    'org.apache.kafka.common.security.scram.ScramLoginModule required ' +
    `username="${c.adminUser}" password="${c.adminPassword}";`;
  const plainJaas =
    'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
    `username="${c.adminUser}" password="${c.adminPassword}" ` +
    `user_${c.adminUser}="${c.adminPassword}";`;
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${c.ports.controller}`,
    listeners: `CLIENT://127.0.0.1:${c.ports.kafka},CONTROLLER://127.0.0.1:${c.ports.controller}`,
    'advertised.listeners': `CLIENT://127.0.0.1:${c.ports.kafka}`,
    'listener.security.protocol.map': 'CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'CLIENT',

    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.client.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.client.scram-sha-512.sasl.jaas.config': scramJaas,
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': plainJaas,

    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': userPrincipal(c.adminUser),
    'allow.everyone.if.no.acl.found': false,

    'log.dirs': c.dataDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Like Confluent Cloud: topics exist because the catalog says so, not because a client asked.
    'auto.create.topics.enable': false,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 4,
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')}\n`;
}

/** Console logging (the CLI redirects it to .local/logs/kafka.log), quiet per-request loggers. */
export const LOG4J_PROPERTIES = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.kafka.metadata.authorizer=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.clients=WARN
`;
