// Transitive levels against the git history of the base: every earlier version of a schema file.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitHistory } from '../../../catalog/history';
import { validateCatalog } from '../../../catalog/validate';
import { catalogFixture } from '../../support/catalog-fixture';

const SCHEMA = 'schemas/orders/order-created.avsc';
const NOTE = '{ "name": "note", "type": ["null", "string"], "default": null }';

function repo(): {
  root: string;
  git(...args: string[]): string;
  change(path: string, from: string, to: string, message?: string): void;
} {
  const root = catalogFixture();
  const git = (...args: string[]): string =>
    execFileSync(
      'git',
      ['-C', root, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args],
      { stdio: 'pipe' },
    ).toString();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'v1');
  return {
    root,
    git,
    change(path, from, to, message) {
      const text = readFileSync(join(root, path), 'utf8');
      expect(text).toContain(from);
      writeFileSync(join(root, path), text.replace(from, to));
      if (message) {
        git('add', '-A');
        git('commit', '--allow-empty', '-qm', message);
      }
    },
  };
}

/** v1 (base), v2 adds "channel" with a default; the working tree drops the default. */
function channelStory(level: string): { root: string; v1: string } {
  const r = repo();
  const v1 = r.git('rev-parse', '--short=7', 'HEAD').trim();
  r.change(
    'topics/orders.yaml',
    'key: string, compatibility: BACKWARD }',
    `key: string, compatibility: ${level} }`,
    'level',
  );
  r.change(
    SCHEMA,
    NOTE,
    `${NOTE},\n    { "name": "channel", "type": "string", "default": "web" }`,
    'v2',
  );
  r.change(SCHEMA, '"type": "string", "default": "web" }', '"type": "string" }');
  return { root: r.root, v1 };
}

describe('transitive compatibility against the git history', () => {
  it('BACKWARD compares with the previous version only', () => {
    const { root } = channelStory('BACKWARD');
    expect(
      validateCatalog(root, { base: 'main' }).diagnostics.filter(
        (d) => d.rule === 'schema-incompatible',
      ),
    ).toEqual([]);
  });

  it('BACKWARD_TRANSITIVE also compares with every earlier version, and names the one it breaks', () => {
    const { root, v1 } = channelStory('BACKWARD_TRANSITIVE');
    const found = validateCatalog(root, { base: 'main' }).diagnostics.filter(
      (d) => d.rule === 'schema-incompatible',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain(`with its version ${v1}`);
    expect(found[0]?.message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    const line =
      readFileSync(join(root, SCHEMA), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"channel"')) + 1;
    expect(found[0]).toMatchObject({ file: SCHEMA, line });
  });

  it('lists earlier versions newest first, once per distinct content, with referenced files as they were', () => {
    const r = repo();
    const money = 'schemas/orders/types/money.avsc';
    r.change(SCHEMA, '"doc": "An order was placed"', '"doc": "v2"', 'v2');
    r.change(SCHEMA, '"doc": "v2"', '"doc": "An order was placed"', 'v3, the same as v1');
    r.change(money, '"fields"', '"doc": "money v4", "fields"', 'v4 of money');
    r.change(SCHEMA, '"doc": "An order was placed"', '"doc": "v5"', 'v5');
    const text = (p: string): string => readFileSync(join(r.root, p), 'utf8');
    const schema = {
      path: SCHEMA,
      domain: 'orders',
      format: 'AVRO' as const,
      text: text(SCHEMA),
      references: [
        { name: 'com.acme.orders.types.Money', subject: 'orders.types.money', file: money },
      ],
    };
    const files = new Map([
      [
        money,
        {
          path: money,
          domain: 'orders',
          format: 'AVRO' as const,
          text: text(money),
          references: [],
        },
      ],
    ]);
    const versions = new GitHistory(r.root, 'main').earlier(schema, files);
    const docs = versions.map((v) => (JSON.parse(v.schema.text) as { doc: string }).doc);
    // v5, v4 (money changed), v3, v2; v1 is v3 again. Money as it was at each commit.
    expect(docs).toEqual(['v5', 'An order was placed', 'An order was placed', 'v2']);
    expect(versions.map((v) => v.files.get(money)?.text.includes('money v4'))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
