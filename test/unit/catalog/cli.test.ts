import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../catalog/cli';
import { ParseCacheFile } from '../../../catalog/parse-cache';
import { REPO_ROOT } from '../../../shared/repo-root';
import { catalogFixture } from '../../support/catalog-fixture';

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(
    args,
    { write: (s: string) => (out += s) } as never,
    { write: (s: string) => (err += s) } as never,
  );
  return { code, out, err };
}

describe('catalog CLI', () => {
  it('exits 0 on the sample catalog with a one-line summary', () => {
    const r = run(['validate', '--root', REPO_ROOT]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.out).toMatch(
      /^catalog ok: 4 domains, 10 topics, 8 apps, 12 schemas — local 10 topics\/10 partitions/,
    );
  });

  it('--no-cache ignores what validation remembered', () => {
    const root = catalogFixture();
    // A remembered orders.yaml without apps or topics: only a cache could claim that.
    const cache = ParseCacheFile.forRoot(root);
    cache.rememberDomain(
      'topics/orders.yaml',
      readFileSync(join(root, 'topics/orders.yaml'), 'utf8'),
      {
        keys: new Map(),
        header: { domain: 'orders', description: 'x', owners: { team: '@acme/orders' } },
        apps: new Map(),
        topics: new Map(),
      },
    );
    cache.save();
    expect(run(['validate', '--root', root]).code).toBe(1);
    expect(run(['validate', '--root', root, '--no-cache'])).toMatchObject({ code: 0, err: '' });
  });

  it('exits 1 with positioned errors', () => {
    const root = catalogFixture({
      'topics/orders.yaml':
        'domain: orders\ndescription: x\nowners: { team: "@acme/orders" }\nbogus: 1\n',
    });
    const r = run(['validate', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('topics/orders.yaml:4:1 error unknown-key: unknown key "bogus"');
    expect(r.out).toMatch(/\d+ errors?, \d+ warnings?$/m);
  });

  it('writes GitHub annotations', () => {
    const root = catalogFixture({
      'topics/orders.yaml':
        'domain: orders\ndescription: x\nowners: { team: "@acme/orders" }\nbogus: 1\n',
    });
    const r = run(['validate', '--root', root, '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '::error file=topics/orders.yaml,line=4,col=1,title=unknown-key::unknown key "bogus"',
    );
  });

  it('writes JSON', () => {
    const r = run(['validate', '--root', REPO_ROOT, '--format', 'json']);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ ok: true, errors: 0, summary: { domains: 4 } });
  });

  it('exits 2 on usage errors, with help', () => {
    expect(run(['validate', '--format', 'xml']).code).toBe(2);
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['validate', '--nope']).code).toBe(2);
    expect(run(['validate', '--root', REPO_ROOT, '--base', 'no-such-rev-123']).code).toBe(2);
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: streamplane-catalog');
  });

  it('codeowners regenerates what validation expects', () => {
    const root = catalogFixture({ '.github/CODEOWNERS': null });
    expect(run(['validate', '--root', root]).code).toBe(1);
    expect(run(['codeowners', '--root', root]).code).toBe(0);
    expect(run(['validate', '--root', root]).code).toBe(0);
  });
});
