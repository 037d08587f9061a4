// ACLs and subject reads: exactly what the YAML's producers/consumers imply, derived here
// independently from the domain files (not through catalog/access.ts), in both directions.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../shared/repo-root';
import { forEach, stack, synthesizeSample } from './synthesized';
import type { Json } from './synthesized';

const s = synthesizeSample();
const ENVS = ['dev', 'staging', 'prod'];

interface DomainYaml {
  domain: string;
  apps?: Record<string, { transactional?: boolean }>;
  topics?: Record<string, Json>;
}
const domains: DomainYaml[] = readdirSync(join(REPO_ROOT, 'topics')).map(
  (f) => parse(readFileSync(join(REPO_ROOT, 'topics', f), 'utf8')) as DomainYaml,
);
const appId = (domain: string, ref: string): string =>
  ref.includes('/') ? ref : `${domain}/${ref}`;
const principalOf = (id: string): string => id.replace('/', '.');
const transactional = (id: string): boolean => {
  const [d, a] = id.split('/') as [string, string];
  return domains.find((x) => x.domain === d)?.apps?.[a]?.transactional === true;
};

/** "app|TYPE|PATTERN|resource|OPERATION" for every ACL the YAML implies. */
function expectedAcls(): Set<string> {
  const out = new Set<string>();
  const add = (app: string, type: string, pattern: string, name: string, op: string) =>
    out.add(`${app}|${type}|${pattern}|${name}|${op}`);
  for (const d of domains) {
    for (const [key, t] of Object.entries(d.topics ?? {})) {
      if (t.delete === true) continue;
      const name =
        (t.name as string | undefined) ??
        `${d.domain}.${key}.v${(t.version as number | undefined) ?? 1}`;
      for (const p of (t.producers as string[] | undefined) ?? []) {
        const id = appId(d.domain, p);
        add(id, 'TOPIC', 'LITERAL', name, 'WRITE');
        add(id, 'TOPIC', 'LITERAL', name, 'DESCRIBE');
        if (transactional(id)) {
          add(id, 'TRANSACTIONAL_ID', 'PREFIXED', `${principalOf(id)}.`, 'WRITE');
          add(id, 'TRANSACTIONAL_ID', 'PREFIXED', `${principalOf(id)}.`, 'DESCRIBE');
        }
      }
      for (const c of (t.consumers as string[] | undefined) ?? []) {
        const id = appId(d.domain, c);
        add(id, 'TOPIC', 'LITERAL', name, 'READ');
        add(id, 'TOPIC', 'LITERAL', name, 'DESCRIBE');
        add(id, 'GROUP', 'PREFIXED', `${principalOf(id)}.`, 'READ');
      }
    }
  }
  return out;
}

/**
 * The platform stack's service-account expression an app's principal resolves to: the domain
 * stack's local reads a map output of the platform stack's state, `{ for key, val in <block>:
 * key => val.<attribute> }`, at the app's id.
 */
function accountExpression(env: string, domainStack: Json, app: string): string {
  const local = domainStack.locals?.app_accounts?.[app] as string | undefined;
  const m = /^\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.(\w+)\[("[^"]+")\]\}$/.exec(
    local ?? '',
  );
  if (!m) throw new Error(`no account for ${app}: ${local}`);
  const [, state, output, key] = m as unknown as [string, string, string, string];
  // The remote state is the platform stack's own state.
  const platform = stack(s, `platform-${env}`);
  const config = domainStack.data.terraform_remote_state[state].config as Json;
  const backend = Object.values(platform.terraform.backend as Json)[0] as Json;
  expect(config.key ?? config.path).toBe(backend.key ?? backend.path);
  for (const [k, v] of Object.entries(config)) expect(backend[k]).toEqual(v);
  const value = platform.output[output]?.value as string;
  const f = /^\$\{\{ for key, val in ([\w.]+): key => val\.(\w+) \}\}$/.exec(value);
  if (!f) throw new Error(`output ${output} is not a map of one attribute: ${value}`);
  return `\${${f[1] as string}[${key}].${f[2] as string}}`;
}

describe.each(ENVS)('access in %s', (env) => {
  const stacks = domains.map((d) => [d.domain, stack(s, `domain-${d.domain}-${env}`)] as const);

  test('the ACL set equals what producers and consumers imply: nothing missing, nothing extra', () => {
    const actual: string[] = [];
    for (const [, st] of stacks)
      actual.push(...Object.keys(forEach(st, 'confluent_kafka_acl', 'acl')));
    const expected = expectedAcls();
    expect(actual.filter((k) => !expected.has(k))).toEqual([]); // nothing extra
    expect([...expected].filter((k) => !actual.includes(k))).toEqual([]); // nothing missing
    expect(actual.length).toBe(new Set(actual).size); // each ACL managed by one stack only
  });

  test('each ACL is ALLOW, host *, the app’s own service account, in the stack that owns its prefix', () => {
    for (const [domain, st] of stacks) {
      const block = st.resource.confluent_kafka_acl.acl as Json;
      expect(block.host).toBe('*');
      expect(block.permission).toBe('ALLOW');
      expect(block.principal).toBe('User:${local.app_accounts[each.value.app]}');
      for (const [key, v] of Object.entries(forEach(st, 'confluent_kafka_acl', 'acl'))) {
        expect(key).toBe(
          `${v.app}|${v.resource_type}|${v.pattern_type}|${v.resource_name}|${v.operation}`,
        );
        expect(['READ', 'WRITE', 'DESCRIBE']).toContain(v.operation);
        expect(v.resource_name).not.toMatch(/\*/);
        expect((v.resource_name as string).startsWith(`${domain}.`)).toBe(true);
        const owner = v.resource_type === 'TOPIC' ? domain : (v.app as string).split('/')[0];
        expect(owner).toBe(domain);
        expect(accountExpression(env, st, v.app as string)).toBe(
          `\${confluent_service_account.app["${v.app as string}"].id}`,
        );
      }
    }
  });

  test('prefix migration: old group/transactional-id ACLs move to the new key and are replaced create-before-destroy', () => {
    for (const [, st] of stacks) {
      const block = st.resource.confluent_kafka_acl.acl as Json;
      expect(block.lifecycle?.create_before_destroy).toBe(true);
      const prefixed = Object.entries(forEach(st, 'confluent_kafka_acl', 'acl')).filter(
        ([, v]) => v.pattern_type === 'PREFIXED',
      );
      const moved = ((st.moved ?? []) as { from: string; to: string }[]).filter((m) =>
        m.to.startsWith('confluent_kafka_acl.'),
      );
      expect(moved).toEqual(
        prefixed.map(([key, v]) => {
          const name = v.resource_name as string;
          expect(name.endsWith('.')).toBe(true);
          const legacy = key.replace(`|${name}|`, `|${name.slice(0, -1)}|`);
          return {
            from: `confluent_kafka_acl.acl[${JSON.stringify(legacy)}]`,
            to: `confluent_kafka_acl.acl[${JSON.stringify(key)}]`,
          };
        }),
      );
    }
  });

  test('subject reads: DeveloperRead on exactly the subjects of the topics an app uses (and their references)', () => {
    const subjects = new Map(s.catalog.for(env).subjects.map((x) => [x.name, x] as const));
    const expected = new Set<string>();
    const visit = (app: string, subject: string): void => {
      if (expected.has(`${app}|${subject}`)) return;
      expected.add(`${app}|${subject}`);
      for (const r of subjects.get(subject)?.schema.references ?? []) visit(app, r.subject);
    };
    for (const d of domains) {
      for (const [key, t] of Object.entries(d.topics ?? {})) {
        const value = (t.schema as Json | undefined)?.value;
        if (!value || t.delete === true) continue;
        const name = `${d.domain}.${key}.v${(t.version as number | undefined) ?? 1}`;
        for (const ref of [
          ...((t.producers as string[]) ?? []),
          ...((t.consumers as string[]) ?? []),
        ]) {
          visit(appId(d.domain, ref), `${name}-value`);
        }
      }
    }
    const actual: string[] = [];
    for (const [domain, st] of stacks) {
      const block = st.resource.confluent_role_binding.subject_read as Json;
      expect(block.role_name).toBe('DeveloperRead');
      for (const [key, v] of Object.entries(
        forEach(st, 'confluent_role_binding', 'subject_read'),
      )) {
        expect((v.app as string).split('/')[0]).toBe(domain);
        expect(key).toBe(`${v.app}|${v.subject}`);
        actual.push(key);
      }
    }
    expect(actual.sort()).toEqual([...expected].sort());
  });
});
