// A domain's topics: `table.addTopic(topic)`. A topic is one instance of its table's for_each
// block, not a resource of its own. Who may use it is the catalog's answer: the environment
// hands each domain stack its CatalogAccess.byOwner (DomainStack.grant). Given access tables,
// addTopic also returns the topic's TopicAccess, CDK style: `grantProduce(app)` /
// `grantConsume(app)` add catalog/access.ts's topicGrant where aclOwner puts each part and
// return what they added, as aws-cdk's grant* methods do.
import { Construct } from 'constructs';
import { aclOwner, topicGrant } from '../../catalog/access';
import type { AclGrant, TopicGrant } from '../../catalog/access';
import type { App, EnvironmentTopic } from '../../catalog/model';
import { KafkaTopic } from '../.gen/providers/confluent/kafka-topic';
import { CatalogStack, Entries, each, literalAttributes } from '../synth';
import type { BlockMove } from '../synth';
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

export interface TopicAccessProps {
  /** The access tables of each domain's stack in this environment. */
  readonly access: (domain: string) => DomainAccess;
  /** Subjects a client of this topic reads: its key/value subjects and what they reference. */
  readonly subjects: readonly string[];
}

/** A domain's topics: `topic` and, in protected environments, `protected_topic`. */
export class TopicTable extends Construct {
  private readonly open = new Entries<TopicEntry>();
  private readonly guarded = new Entries<TopicEntry>();

  constructor(
    scope: CatalogStack,
    id: string,
    private readonly props: TopicTableProps,
  ) {
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

  /** The address of a topic's instance (`confluent_kafka_topic.topic["…"]`), if it has one. */
  address(topicName: string): string | undefined {
    if (this.open.has(topicName)) return `confluent_kafka_topic.topic${index(topicName)}`;
    if (this.guarded.has(topicName))
      return `confluent_kafka_topic.protected_topic${index(topicName)}`;
    return undefined;
  }

  /** Adds a topic (under `prevent_destroy` when protected here); with access tables, its access. */
  addTopic(topic: EnvironmentTopic): void;
  addTopic(topic: EnvironmentTopic, props: TopicAccessProps): TopicAccess;
  addTopic(topic: EnvironmentTopic, props?: TopicAccessProps): TopicAccess | void {
    // Keys in sort order, as the file has them: the writer copies an object that has not.
    const config = Object.fromEntries(
      Object.keys(topic.config)
        .sort()
        .map((k) => [k, literal(topic.config[k] as string)] as const),
    );
    const guarded = this.props.protectedEnvironment && topic.deletionProtection;
    (guarded ? this.guarded : this.open).add(topic.name, { config, partitions: topic.partitions });
    return props && new TopicAccess(topic, props);
  }

  private block(id: string, entries: Entries<TopicEntry>, preventDestroy: boolean): void {
    const resource = new KafkaTopic(this, id, {
      topicName: each.key,
      lifecycle: { preventDestroy },
    });
    resource.overrideLogicalId(id);
    literalAttributes(resource, {
      partitions_count: each.value('partitions'),
      config: each.value('config'),
    });
    CatalogStack.ofConstruct(this).bindEntries(resource, entries);
  }
}

/** What a grant added: the app's ACLs (in whichever domain stack holds each) and subject reads. */
export interface Grant {
  readonly app: string;
  readonly acls: readonly AclGrant[];
  readonly subjectReads: readonly string[];
}

/** Who may use one topic of a TopicTable: the grants land in the domain stacks' access tables. */
export class TopicAccess {
  readonly topicName: string;

  constructor(
    private readonly topic: EnvironmentTopic,
    private readonly props: TopicAccessProps,
  ) {
    this.topicName = topic.name;
  }

  /** WRITE and DESCRIBE on the topic (plus transactional ids for transactional apps). */
  grantProduce(app: App): Grant {
    return this.grant(app, topicGrant(this.topic, app, 'produce', this.props.subjects));
  }

  /** READ and DESCRIBE on the topic, READ on the app's consumer-group prefix. */
  grantConsume(app: App): Grant {
    return this.grant(app, topicGrant(this.topic, app, 'consume', this.props.subjects));
  }

  private grant(app: App, granted: TopicGrant): Grant {
    const acls = granted.acls.map((g) => this.props.access(aclOwner(g, granted, app)).acls.add(g));
    const reads = this.props.access(app.domain).reads;
    const subjectReads = granted.subjectReads.map((s) => reads.grantRead(app.id, s).subject);
    return { app: app.id, acls, subjectReads };
  }
}

function move(from: string, to: string, key: string): BlockMove {
  return {
    from: `confluent_kafka_topic.${from}${index(key)}`,
    to: `confluent_kafka_topic.${to}${index(key)}`,
  };
}
