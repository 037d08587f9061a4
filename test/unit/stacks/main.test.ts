// `npm run synth` on an invalid catalog: the catalog's own positioned errors, exit 1, no trace.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../shared/repo-root';
import { catalogFixture, lines } from '../../support/catalog-fixture';

test('synth over a broken domain file prints its positioned errors and exits 1', () => {
  const root = catalogFixture({
    'topics/shipping.yaml': lines(
      'domain: shipping',
      'description: Shipments',
      'owners: { team: "@acme/shipping" }',
      'apps:',
      '  shipment-service: { description: Books carriers }',
      'topics:',
      '  shipment-dispatched:',
      '    description: A parcel left',
      '    partitions: six',
      '    producers: [shipment-service]',
    ),
  });
  const run = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(REPO_ROOT, 'main.ts')],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^topics\/shipping\.yaml:9:17 error invalid-type: /m);
  expect(run.stderr).toMatch(/fix the catalog first/);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(run.stdout).toBe('');
});
