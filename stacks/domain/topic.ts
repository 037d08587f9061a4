// Topics, CDK style: `new Topic(table, name, props)` then `topic.grantProduce(app)` /
// `topic.grantConsume(app)`. The grants are exactly catalog/access.ts's produceGrants /
// consumeGrants: the topic's own ACLs stay in the topic's domain stack, the app-scoped ones
// (consumer-group and transactional-id prefixes, subject reads) go to the app's domain stack,
// which owns those prefixes. Every topic is one instance of its table's for_each block.
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { consumeGrants, produceGrants } from '../../catalog/access';
import type { AclGrant } from '../../catalog/access';
import type { App, EnvironmentTopic } from '../../catalog/model';
import { KafkaTopic } from '../.gen/providers/confluent/kafka-topic';
import { CatalogStack } from '../shared/catalog-stack';
import { Entries, each } from '../shared/entries';
import { index, literal } from '../shared/terraform-text';
import type { AclTable } from './acl-table';
import type { RegistryReads } from './registry-reads';

/** Where a domain's access lands: its ACL table and its subject reads. */
export interface DomainAccess {
  readonly acls: AclTable;
  readonly reads: RegistryReads;
}

export interface TopicEntry {
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface TopicTableProps {
  /** Protected environments: topics with deletion protection get `prevent_destroy`. */
  readonly protectedEnvironment: boolean;
}

/** A domain's topics: `topic` and, in protected environments, `protected_topic`. */
export class TopicTable extends Construct {
  private readonly open = new Entries<TopicEntry>();
  private readonly guarded = new Entries<TopicEntry>();

  constructor(scope: CatalogStack, id: string, props: TopicTableProps) {
    super(scope, id);
    this.block('topic', this.open, false);
    if (props.protectedEnvironment) {
      this.block('protected_topic', this.guarded, true);
      // Switching deletionProtection moves a topic between the two blocks: moved blocks keep
      // it in state (no destroy/create) whichever way it goes.
      scope.addMoves(() => [
        ...this.guarded.keys().map((k) => move('topic', 'protected_topic', k)),
        ...this.open.keys().map((k) => move('protected_topic', 'topic', k)),
      ]);
    }
  }

  /** Adds a topic; `guarded` puts it under `prevent_destroy`. */
  add(name: string, entry: TopicEntry, guarded: boolean): void {
    (guarded ? this.guarded : this.open).add(name, entry);
  }

  private block(id: string, entries: Entries<TopicEntry>, preventDestroy: boolean): void {
    const resource = new KafkaTopic(this, id, {
      topicName: each.key,
      partitionsCount: Token.asNumber(each.value('partitions')),
      config: Token.asStringMap(each.value('config')),
      lifecycle: { preventDestroy },
    });
    resource.overrideLogicalId(id);
    CatalogStack.ofConstruct(this).bindEntries(resource, entries);
  }
}

export interface TopicProps {
  readonly topic: EnvironmentTopic;
  readonly protectedEnvironment: boolean;
  /** The access tables of each domain's stack in this environment. */
  readonly access: (domain: string) => DomainAccess;
  /** Subjects a client of this topic reads: its key/value subjects and what they reference. */
  readonly subjects: readonly string[];
}

export class Topic extends Construct {
  readonly topicName: string;

  constructor(
    scope: TopicTable,
    id: string,
    private readonly props: TopicProps,
  ) {
    super(scope, id);
    const t = props.topic;
    this.topicName = t.name;
    const config = Object.fromEntries(
      Object.entries(t.config).map(([k, v]) => [k, literal(v)] as const),
    );
    scope.add(
      t.name,
      { partitions: t.partitions, config },
      props.protectedEnvironment && t.deletionProtection,
    );
  }

  /** WRITE and DESCRIBE on the topic (plus transactional ids for transactional apps). */
  grantProduce(app: App): void {
    this.grant(app, produceGrants(this.topicName, app));
  }

  /** READ and DESCRIBE on the topic, READ on the app's consumer-group prefix. */
  grantConsume(app: App): void {
    this.grant(app, consumeGrants(this.topicName, app));
  }

  private grant(app: App, grants: readonly AclGrant[]): void {
    const own = this.props.access(this.props.topic.domain);
    const apps = this.props.access(app.domain);
    for (const g of grants) (g.resourceType === 'TOPIC' ? own : apps).acls.add(g);
    for (const subject of this.props.subjects) apps.reads.grantRead(app.id, subject);
  }
}

function move(from: string, to: string, key: string): { from: string; to: string } {
  return {
    from: `confluent_kafka_topic.${from}${index(key)}`,
    to: `confluent_kafka_topic.${to}${index(key)}`,
  };
}
