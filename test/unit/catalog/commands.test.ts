// A broken catalog stops every command that reads it before anything else happens: validate,
// synth, plan and apply print the same positioned findings and exit 1, never a stack trace.
// Run as the npm scripts run them (node scripts/run.cjs <entry>), as whole processes.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../shared/repo-root';
import { catalogFixture } from '../../support/catalog-fixture';

/** Inputs that used to be accepted, misplaced or crash the process. */
function brokenCatalog(): string {
  const root = catalogFixture({
    // Thousands of nesting levels: a stack overflow in the schema library before.
    'schemas/orders/order-status.avsc': `${'{"type": "array", "items": '.repeat(5000)}"int"${'}'.repeat(5000)}`,
  });
  // Latin-1 bytes in a domain file: accepted before.
  writeFileSync(
    join(root, 'topics/shipping.yaml'),
    Buffer.concat([
      Buffer.from('domain: shipping\ndescription: Exp'),
      Buffer.from([0xe9]),
      Buffer.from('dition\n'),
    ]),
  );
  return root;
}

const EXPECTED = [
  /^schemas\/orders\/order-status\.avsc:1:1729 error nesting-too-deep: /m,
  /^topics\/shipping\.yaml:2:17 error encoding: /m,
];

function run(entry: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/run.cjs'), entry, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    // No cluster is reachable: the commands must stop at the catalog, before connecting.
    env: { ...process.env, STREAMPLANE_KAFKA_PORT: '1', STREAMPLANE_REGISTRY_PORT: '1' },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('a broken catalog stops every command, positioned, without a stack trace', () => {
  const root = brokenCatalog();

  it.each([
    ['validate', 'catalog/cli.ts', ['validate', '--root', root, '--no-cache']],
    ['synth', 'main.ts', []],
    ['plan', 'reconciler/cli.ts', ['plan', '--env', 'local', '--root', root]],
    ['apply', 'reconciler/cli.ts', ['apply', '--env', 'local', '--root', root]],
  ])(
    '%s',
    (_name, entry, args) => {
      const r = run(entry, args, root);
      expect(r.status).toBe(1);
      for (const line of EXPECTED) expect(r.out).toMatch(line);
      expect(r.out).not.toMatch(/\n\s+at /);
      expect(r.out).not.toMatch(/RangeError|TypeError|Maximum call stack/);
    },
    180_000,
  );
});
