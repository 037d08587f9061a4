// The planner is a pure diff: desired and actual in, ordered commands and refusals out.
import { driftItems } from '../../../reconciler/service/drift';
import type { AclBinding } from '../../../reconciler/cluster/types';
import { configChanges, plan, sameSchema } from '../../../reconciler/plan/planner';
import { renderPlan } from '../../../reconciler/plan/render';
import type { ActualState, ActualTopic } from '../../../reconciler/state/actual';
import type { DesiredAcl, DesiredState } from '../../../reconciler/state/desired';
import { isManagedAcl } from '../../../reconciler/state/desired';
import { ownsPrincipal } from '../../../catalog/access';

const acl = (over: Partial<AclBinding> = {}): AclBinding => ({
  principal: 'User:orders.svc',
  host: '*',
  resourceType: 'TOPIC',
  resourceName: 'orders.a.v1',
  patternType: 'LITERAL',
  operation: 'WRITE',
  permission: 'ALLOW',
  ...over,
});

function desired(over: Partial<DesiredState> = {}): DesiredState {
  return {
    environment: 'local',
    topics: [
      {
        name: 'orders.a.v1',
        partitions: 3,
        replicationFactor: 1,
        config: { 'cleanup.policy': 'delete', 'retention.ms': '1000' },
        deletionProtection: true,
        source: { file: 'topics/orders.yaml', line: 9 },
      },
    ],
    deletions: [],
    acls: [{ ...acl(), app: 'orders/svc' } as DesiredAcl],
    subjects: [],
    scope: {
      prefixes: ['orders.'],
      principals: new Set(['User:orders.svc']),
      namespace: () => false,
    },
    unmappedApps: [],
    ...over,
  };
}

function actual(topics: ActualTopic[] = [], over: Partial<ActualState> = {}): ActualState {
  return {
    topics: new Map(topics.map((t) => [t.name, t])),
    unmanagedTopics: [],
    acls: [],
    subjects: new Map(),
    ...over,
  };
}

const inSyncTopic: ActualTopic = {
  name: 'orders.a.v1',
  partitions: 3,
  replicationFactor: 1,
  config: { 'cleanup.policy': 'delete', 'retention.ms': '1000' },
};

describe('planner', () => {
  it('creates what is missing, in order: topics, then ACLs', () => {
    const p = plan(desired(), actual());
    expect(p.commands.map((c) => [c.id, c.kind])).toEqual([
      ['c1', 'CreateTopic'],
      ['c2', 'CreateAcl'],
    ]);
    expect(p.inSync).toBe(false);
    expect(p.drift).toBe(2);
  });

  it('is in sync when the cluster matches', () => {
    const p = plan(desired(), actual([inSyncTopic], { acls: [acl()] }));
    expect(p.commands).toEqual([]);
    expect(p.inSync).toBe(true);
  });

  it('increases partitions and refuses a decrease or a replication change', () => {
    const up = plan(desired(), actual([{ ...inSyncTopic, partitions: 1 }], { acls: [acl()] }));
    expect(up.commands).toMatchObject([{ kind: 'IncreasePartitions', from: 1, to: 3 }]);
    const down = plan(
      desired(),
      actual([{ ...inSyncTopic, partitions: 6, replicationFactor: 3 }], { acls: [acl()] }),
    );
    expect(down.commands).toEqual([]);
    expect(down.refusals.map((r) => r.kind).sort()).toEqual([
      'partition-decrease',
      'replication-factor-change',
    ]);
    expect(down.refusals[0]?.reason).toContain('topics/orders.yaml:9');
    expect(down.inSync).toBe(false);
  });

  it('alters changed config and resets keys set out of band', () => {
    const p = plan(
      desired(),
      actual([{ ...inSyncTopic, config: { 'cleanup.policy': 'compact', 'segment.ms': '5' } }], {
        acls: [acl()],
      }),
    );
    expect(p.commands).toEqual([
      expect.objectContaining({
        kind: 'AlterTopicConfig',
        changes: [
          { key: 'cleanup.policy', from: 'compact', to: 'delete' },
          { key: 'retention.ms', to: '1000' },
          { key: 'segment.ms', from: '5' },
        ],
        config: { 'cleanup.policy': 'delete', 'retention.ms': '1000' },
      }),
    ]);
  });

  it('deletes stray ACLs of managed principals only', () => {
    const stray = acl({ operation: 'READ' });
    const p = plan(desired(), actual([inSyncTopic], { acls: [acl(), stray] }));
    expect(p.commands).toMatchObject([{ kind: 'DeleteAcl', acl: stray }]);
    const scope = desired().scope;
    expect(isManagedAcl(scope, acl({ principal: 'User:someone' }))).toBe(false);
    expect(isManagedAcl(scope, acl({ resourceName: 'billing.x' }))).toBe(false);
    expect(
      isManagedAcl(scope, acl({ resourceType: 'CLUSTER', resourceName: 'kafka-cluster' })),
    ).toBe(false);
    expect(
      isManagedAcl(
        scope,
        acl({ resourceType: 'GROUP', resourceName: 'orders.svc', patternType: 'PREFIXED' }),
      ),
    ).toBe(true);
  });

  it('deletes every ACL of a removed app: a principal in the namespace of a catalog domain', () => {
    const scope = {
      ...desired().scope,
      namespace: ownsPrincipal({ kind: 'app-users' }, ['orders']),
    };
    const gone = [
      acl({ principal: 'User:orders.gone', operation: 'READ' }),
      acl({
        principal: 'User:orders.gone',
        resourceType: 'GROUP',
        resourceName: 'orders.gone.',
        patternType: 'PREFIXED',
        operation: 'READ',
      }),
    ];
    for (const a of gone) expect(isManagedAcl(scope, a)).toBe(true);
    // Not in the namespace: another domain's users, other principal types, non-app names.
    for (const principal of [
      'User:billing.gone',
      'User:someone',
      'Group:orders.gone',
      'User:orders.a.b',
    ])
      expect(isManagedAcl(scope, acl({ principal }))).toBe(false);
    const p = plan(desired({ scope }), actual([inSyncTopic], { acls: [acl(), ...gone] }));
    expect(p.inSync).toBe(false);
    expect(p.commands.map((c) => (c.kind === 'DeleteAcl' ? [c.reason, c.acl] : c.kind))).toEqual([
      ['app-removed', gone[1]],
      ['app-removed', gone[0]],
    ]);
    expect(renderPlan(p, 'human')).toContain(
      '- acl ALLOW User:orders.gone READ TOPIC:orders.a.v1 (its app is no longer in the catalog)',
    );
  });

  it('migrates a grant by adding the new ACL before removing the old one', () => {
    const group = (resourceName: string): AclBinding =>
      acl({ resourceType: 'GROUP', patternType: 'PREFIXED', resourceName, operation: 'READ' });
    const want = desired({ acls: [{ ...group('orders.svc.'), app: 'orders/svc' }] });
    const p = plan(want, actual([inSyncTopic], { acls: [group('orders.svc')] }));
    expect(p.commands.map((c) => [c.kind, c.resource])).toEqual([
      ['CreateAcl', 'acl ALLOW User:orders.svc READ GROUP:orders.svc.*'],
      ['DeleteAcl', 'acl ALLOW User:orders.svc READ GROUP:orders.svc*'],
    ]);
  });

  it('keeps a managed topic missing from the catalog and deletes only marked ones', () => {
    const extra = { ...inSyncTopic, name: 'orders.old.v1' };
    const kept = plan(desired(), actual([inSyncTopic, extra], { acls: [acl()] }));
    expect(kept.commands).toEqual([]);
    expect(kept.refusals).toMatchObject([{ kind: 'not-in-catalog', drift: false }]);
    expect(kept.inSync).toBe(true);
    const gone = plan(
      desired({ deletions: ['orders.old.v1'] }),
      actual([inSyncTopic, extra], { acls: [acl()] }),
    );
    expect(gone.commands).toMatchObject([{ kind: 'DeleteTopic', topic: 'orders.old.v1' }]);
  });

  it('registers new subjects before setting their level, and re-registers users of a changed reference', () => {
    const subjects = [
      {
        name: 'orders.money',
        format: 'JSON' as const,
        path: 'schemas/orders/money.json',
        text: '{"type":"object"}',
        references: [],
        compatibility: 'BACKWARD',
      },
      {
        name: 'orders.a.v1-value',
        format: 'JSON' as const,
        path: 'schemas/orders/a.json',
        text: '{"properties":{"m":{"$ref":"money.json"}}}',
        references: [{ name: 'money.json', subject: 'orders.money' }],
        compatibility: 'FULL',
      },
    ];
    const fresh = plan(desired({ subjects }), actual([inSyncTopic], { acls: [acl()] }));
    expect(fresh.commands.map((c) => `${c.kind} ${c.resource}`)).toEqual([
      'RegisterSchema subject orders.money',
      'SetSubjectCompatibility subject orders.money',
      'RegisterSchema subject orders.a.v1-value',
      'SetSubjectCompatibility subject orders.a.v1-value',
    ]);

    const registered = new Map([
      [
        'orders.money',
        {
          name: 'orders.money',
          version: 1,
          schema: '{ "type": "string" }',
          schemaType: 'JSON' as const,
          references: [],
          compatibility: 'BACKWARD',
        },
      ],
      [
        'orders.a.v1-value',
        {
          name: 'orders.a.v1-value',
          version: 1,
          schema: '{"properties": {"m": {"$ref": "money.json"}}}',
          schemaType: 'JSON' as const,
          references: [{ name: 'money.json', subject: 'orders.money', version: 1 }],
          compatibility: 'FULL',
        },
      ],
    ]);
    const changed = plan(
      desired({ subjects }),
      actual([inSyncTopic], { acls: [acl()], subjects: registered }),
    );
    expect(changed.commands).toMatchObject([
      { kind: 'RegisterSchema', subject: 'orders.money', reason: 'changed' },
      { kind: 'RegisterSchema', subject: 'orders.a.v1-value', reason: 'references' },
    ]);
  });

  it('refuses a rollback to an older version and is in sync where the registry sees no change', () => {
    const subject = {
      name: 'orders.a.v1-value',
      format: 'AVRO' as const,
      path: 'schemas/orders/a.avsc',
      text: '{"type":"string","doc":"v1"}',
      references: [],
      compatibility: 'BACKWARD',
    };
    const latest = {
      name: subject.name,
      version: 3,
      schema: '{"type":"long"}',
      schemaType: 'AVRO' as const,
      references: [],
      compatibility: 'BACKWARD',
    };
    const held = (version: number) =>
      plan(
        desired({ subjects: [subject] }),
        actual([inSyncTopic], {
          acls: [acl()],
          subjects: new Map([[subject.name, { ...latest, registeredAs: { version, id: 7 } }]]),
        }),
      );
    const rollback = held(1);
    expect(rollback.commands).toEqual([]);
    expect(rollback.refusals).toEqual([
      expect.objectContaining({
        kind: 'schema-rollback',
        resource: 'subject orders.a.v1-value',
        drift: true,
      }),
    ]);
    const reason = rollback.refusals[0]?.reason ?? '';
    expect(reason).toContain('schemas/orders/a.avsc is version 1 of the subject (id 7)');
    expect(reason).toContain('latest is version 3');
    expect(reason).toContain('delete versions 2 to 3 of orders.a.v1-value');
    expect(rollback.inSync).toBe(false);
    expect(driftItems(rollback)).toEqual([
      expect.objectContaining({
        kind: 'subject',
        command: 'Refused',
        differences: [{ field: 'version', desired: 1, actual: 3 }],
      }),
    ]);

    const same = held(3);
    expect(same.inSync).toBe(true);
    expect(same.refusals).toEqual([]);
  });

  it("carries the catalog's topic, subject and app on commands and refusals", () => {
    const subjects = [
      {
        name: 'orders.money',
        format: 'JSON' as const,
        path: 'schemas/orders/money.json',
        text: '{"type":"object"}',
        references: [],
        compatibility: 'BACKWARD',
      },
      {
        name: 'orders.a.v1-value',
        topic: 'orders.a.v1',
        format: 'JSON' as const,
        path: 'schemas/orders/a.json',
        text: '{"type":"object"}',
        references: [],
        compatibility: 'BACKWARD',
      },
    ];
    const group = acl({
      resourceType: 'GROUP',
      patternType: 'PREFIXED',
      resourceName: 'orders.svc.',
      operation: 'READ',
    });
    const p = plan(
      desired({
        subjects,
        acls: [
          { ...acl(), app: 'orders/svc' },
          { ...group, app: 'orders/svc' },
        ],
        unmappedApps: ['orders/other'],
      }),
      actual([{ ...inSyncTopic, partitions: 9 }], { acls: [acl({ operation: 'READ' })] }),
    );
    const ids = p.commands.map(({ kind, topic, subject, app }) => ({ kind, topic, subject, app }));
    expect(ids).toEqual([
      { kind: 'CreateAcl', topic: undefined, subject: undefined, app: 'orders/svc' },
      { kind: 'CreateAcl', topic: 'orders.a.v1', subject: undefined, app: 'orders/svc' },
      { kind: 'DeleteAcl', topic: 'orders.a.v1', subject: undefined, app: 'orders/svc' },
      { kind: 'RegisterSchema', topic: undefined, subject: 'orders.money', app: undefined },
      {
        kind: 'SetSubjectCompatibility',
        topic: undefined,
        subject: 'orders.money',
        app: undefined,
      },
      {
        kind: 'RegisterSchema',
        topic: 'orders.a.v1',
        subject: 'orders.a.v1-value',
        app: undefined,
      },
      {
        kind: 'SetSubjectCompatibility',
        topic: 'orders.a.v1',
        subject: 'orders.a.v1-value',
        app: undefined,
      },
    ]);
    expect(p.refusals).toMatchObject([
      { kind: 'no-principal', app: 'orders/other' },
      { kind: 'partition-decrease', topic: 'orders.a.v1', desired: 3, actual: 9 },
    ]);
  });

  it('compares schemas by content, not formatting', () => {
    expect(sameSchema('AVRO', '{"type":"string"}', '{ "type" : "string" }')).toBe(true);
    expect(sameSchema('JSON', '{"a":1,"b":2}', '{"b":2,"a":1}')).toBe(true);
    expect(
      sameSchema('PROTOBUF', 'message A {\n  string id = 1;\n}', 'message A { string id = 1; }'),
    ).toBe(true);
    expect(sameSchema('AVRO', '{"type":"string"}', '{"type":"long"}')).toBe(false);
  });

  it('refuses ACLs of apps without a principal on the cluster', () => {
    const p = plan(desired({ acls: [], unmappedApps: ['orders/svc'] }), actual([inSyncTopic]));
    expect(p.refusals).toMatchObject([
      { kind: 'no-principal', resource: 'app orders/svc', drift: true },
    ]);
  });

  it('renders + ~ - for people, without colour unless asked', () => {
    const p = plan(
      desired(),
      actual([{ ...inSyncTopic, partitions: 1 }], { acls: [acl({ operation: 'READ' })] }),
    );
    const human = renderPlan(p, 'human');
    expect(human).toContain('~ topic orders.a.v1 partitions 1 → 3');
    expect(human).toContain('- acl ALLOW User:orders.svc READ TOPIC:orders.a.v1');
    expect(human).toContain('+ acl ALLOW User:orders.svc WRITE TOPIC:orders.a.v1');
    expect(human).not.toContain('\u001b[');
    expect(renderPlan(p, 'human', { color: true })).toContain('\u001b[33m~');
    expect(renderPlan(p, 'markdown')).toContain('```diff');
    expect(JSON.parse(renderPlan(p, 'json')).commands).toHaveLength(3);
  });
});

describe('configChanges with values the topic leaves to the broker', () => {
  const desired = { 'cleanup.policy': 'delete', 'retention.ms': '604800000' };

  it('is in sync when the inherited value is the catalog value', () => {
    expect(configChanges(desired, {}, desired)).toEqual([]);
  });

  it('sets the key when the inherited value differs or is unknown', () => {
    expect(configChanges(desired, {}, { 'cleanup.policy': 'delete', 'retention.ms': '1' })).toEqual(
      [{ key: 'retention.ms', to: '604800000' }],
    );
    expect(configChanges(desired, { 'cleanup.policy': 'delete' })).toEqual([
      { key: 'retention.ms', to: '604800000' },
    ]);
  });

  it('never lets an inherited value hide a different value set on the topic', () => {
    expect(configChanges(desired, { 'retention.ms': '1' }, desired)).toEqual([
      { key: 'retention.ms', from: '1', to: '604800000' },
    ]);
  });
});
