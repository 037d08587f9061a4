// The double's RBAC: which CRNs a binding's pattern covers, and which role allows which action.
import { allowed, covers, crn } from '../../../scripts/cloud-double/access';
import type { DoubleState } from '../../../scripts/cloud-double/store';

const ORG = 'crn://confluent.cloud/organization=0d7c5b4e-1a2b-4c3d-8e9f-001122334455';
const CLUSTER = `${ORG}/environment=env-a1b2c/cloud-cluster=lkc-abc123`;
const KAFKA = `${CLUSTER}/kafka=lkc-abc123`;
const REGISTRY = `${ORG}/environment=env-a1b2c/schema-registry=lsrc-xyz789`;

function stateWith(
  bindings: { principal: string; roleName: string; crnPattern: string }[],
): DoubleState {
  return {
    organizationId: '0d7c5b4e-1a2b-4c3d-8e9f-001122334455',
    environments: {},
    clusters: {},
    registries: {},
    serviceAccounts: {},
    apiKeys: {},
    roleBindings: Object.fromEntries(
      bindings.map((b, i) => [`rb-${i}`, { id: `rb-${i}`, createdAt: '', ...b }]),
    ),
  };
}

describe('covers', () => {
  it('covers the exact CRN', () => {
    expect(covers(`${KAFKA}/topic=orders`, `${KAFKA}/topic=orders`)).toBe(true);
  });

  it('covers resources under the CRN, at a path boundary only', () => {
    expect(covers(CLUSTER, `${KAFKA}/topic=orders`)).toBe(true);
    expect(covers(KAFKA, `${KAFKA}/topic=orders`)).toBe(true);
    // lkc-abc123 is not lkc-abc1234, nor is topic=orders topic=orders.v2.
    expect(covers(`${ORG}/environment=env-a1b2c/cloud-cluster=lkc-abc12`, KAFKA)).toBe(false);
    expect(covers(`${KAFKA}/topic=orders`, `${KAFKA}/topic=orders.v2`)).toBe(false);
  });

  it('covers every name with the prefix of a pattern ending in *', () => {
    const pattern = `${KAFKA}/topic=orders.*`;
    expect(covers(pattern, `${KAFKA}/topic=orders.created`)).toBe(true);
    expect(covers(pattern, `${KAFKA}/topic=orders.`)).toBe(true);
    expect(covers(pattern, `${KAFKA}/topic=payments.created`)).toBe(false);
    expect(covers(pattern, `${KAFKA}/topic=orders`)).toBe(false);
    expect(covers(`${REGISTRY}/subject=orders.*`, `${REGISTRY}/subject=orders.created-value`)).toBe(
      true,
    );
  });

  it('does not cover a parent or a sibling resource', () => {
    expect(covers(`${KAFKA}/topic=orders`, KAFKA)).toBe(false);
    expect(covers(`${KAFKA}/topic=orders.*`, CLUSTER)).toBe(false);
    expect(covers(`${REGISTRY}/subject=orders.*`, `${KAFKA}/topic=orders.created`)).toBe(false);
  });
});

describe('allowed', () => {
  const s = stateWith([
    {
      principal: 'User:sa-owner',
      roleName: 'ResourceOwner',
      crnPattern: `${KAFKA}/topic=orders.*`,
    },
    {
      principal: 'User:sa-owner',
      roleName: 'ResourceOwner',
      crnPattern: `${REGISTRY}/subject=orders.*`,
    },
    { principal: 'User:sa-reader', roleName: 'DeveloperRead', crnPattern: `${KAFKA}/topic=orders` },
    { principal: 'User:sa-admin', roleName: 'CloudClusterAdmin', crnPattern: CLUSTER },
    { principal: 'User:sa-op', roleName: 'Operator', crnPattern: CLUSTER },
    { principal: 'User:sa-odd', roleName: 'NoSuchRole', crnPattern: ORG },
  ]);

  it('allows what the role holds on what the binding covers', () => {
    expect(allowed(s, 'sa-owner', 'topic:manage', `${KAFKA}/topic=orders.created`)).toBe(true);
    expect(allowed(s, 'sa-owner', 'topic:read', `${KAFKA}/topic=orders.created`)).toBe(true);
    expect(
      allowed(s, 'sa-owner', 'subject:write', `${REGISTRY}/subject=orders.created-value`),
    ).toBe(true);
    expect(allowed(s, 'sa-reader', 'topic:read', `${KAFKA}/topic=orders`)).toBe(true);
    expect(allowed(s, 'sa-admin', 'acl:manage', CLUSTER)).toBe(true);
    expect(allowed(s, 'sa-admin', 'topic:manage', `${KAFKA}/topic=anything`)).toBe(true);
  });

  it('refuses an action the role lacks, even on a covered resource', () => {
    // ResourceOwner of a prefix cannot create ACLs (cluster ALTER), even on the cluster's CRN.
    expect(allowed(s, 'sa-owner', 'acl:manage', `${KAFKA}/topic=orders.created`)).toBe(false);
    expect(allowed(s, 'sa-owner', 'acl:read', CLUSTER)).toBe(false);
    expect(allowed(s, 'sa-reader', 'topic:manage', `${KAFKA}/topic=orders`)).toBe(false);
    expect(allowed(s, 'sa-op', 'acl:read', CLUSTER)).toBe(true);
    expect(allowed(s, 'sa-op', 'acl:manage', CLUSTER)).toBe(false);
    expect(allowed(s, 'sa-op', 'topic:manage', `${KAFKA}/topic=orders`)).toBe(false);
    // An unknown role allows nothing.
    expect(allowed(s, 'sa-odd', 'topic:read', `${KAFKA}/topic=orders`)).toBe(false);
  });

  it('refuses what no binding of that principal covers', () => {
    expect(allowed(s, 'sa-owner', 'topic:manage', `${KAFKA}/topic=payments.created`)).toBe(false);
    expect(allowed(s, 'sa-reader', 'topic:read', `${KAFKA}/topic=orders.created`)).toBe(false);
    expect(allowed(s, 'sa-nobody', 'topic:read', `${KAFKA}/topic=orders.created`)).toBe(false);
    // Another account's binding does not count; principals are compared whole.
    expect(allowed(s, 'sa-own', 'topic:read', `${KAFKA}/topic=orders.created`)).toBe(false);
  });

  it('names resources with the CRN shapes the bindings use', () => {
    const st = stateWith([]);
    expect(crn.cluster(st, 'env-a1b2c', 'lkc-abc123')).toBe(CLUSTER);
    expect(crn.kafka(st, 'env-a1b2c', 'lkc-abc123')).toBe(KAFKA);
    expect(crn.registry(st, 'env-a1b2c', 'lsrc-xyz789')).toBe(REGISTRY);
    expect(crn.serviceAccount(st, 'sa-1')).toBe(`${ORG}/service-account=sa-1`);
  });
});
