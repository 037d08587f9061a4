import { posix } from 'node:path';
import fc from 'fast-check';
import { schemaPath } from '../../../catalog/rules/schemas';

describe('schemaPath', () => {
  it('takes its shortcut only where normalizing would change nothing', () => {
    const segment = fc.oneof(fc.constantFrom('', '.', '..', '...', 'a', '.a'), fc.string());
    const ref = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(segment, ref, (domain, r) => {
        expect(schemaPath(domain, r)).toBe(posix.normalize(posix.join('schemas', domain, r)));
      }),
      { numRuns: 2000 },
    );
  });
});
