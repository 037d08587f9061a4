// A domain file's header is checked with an empty object in place of its topics when they are a
// plain mapping (loader.ts headerOf): the check must say exactly what it says of the whole file.
import { domainFile } from '../../../catalog/format/domain-file';
import { headerOf } from '../../../catalog/loader';
import { seededRandom } from '../../support/seeded-random';

const VALUES: unknown[] = [
  undefined,
  null,
  'orders',
  'Orders',
  '',
  7,
  true,
  [],
  ['a'],
  {},
  { team: '@acme/orders' },
  { team: 'acme' },
  { team: '@acme/orders', contact: '' },
  { team: '@acme/orders', extra: 1 },
  { 'event-1': { description: 'x' } },
  { 'event-1': null, constructor: 1 },
  { __proto__: null, a: 1 },
];
const KEYS = ['domain', 'description', 'owners', 'apps', 'topics', 'extra', 'constructor'];

describe('headerOf', () => {
  it('gives the header check the same findings and header as the whole file', () => {
    const rnd = seededRandom(20261130);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    let substituted = 0;
    for (let i = 0; i < 3000; i++) {
      const data: Record<string, unknown> = {};
      for (const key of KEYS) if (rnd() < 0.7) data[key] = pick(VALUES);
      if (rnd() < 0.5) data.topics = { 'event-1': pick(VALUES), 'event-2': pick(VALUES) };
      const input = rnd() < 0.05 ? pick(VALUES) : data;
      const header = headerOf(input);
      if (header !== input) substituted++;
      const whole = domainFile.safeParse(input ?? {});
      const part = domainFile.safeParse(header);
      expect({ input, issues: part.error?.issues }).toEqual({ input, issues: whole.error?.issues });
      if (whole.success && part.success) {
        const { domain, description, owners } = whole.data;
        expect(part.data).toMatchObject({ domain, description, owners });
      }
    }
    expect(substituted).toBeGreaterThan(1000);
  });
});
