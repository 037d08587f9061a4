import fc from 'fast-check';
import { topicName } from '../../../catalog/naming';

describe('topicName', () => {
  it('puts a template together as its placeholders replaced in turn would', () => {
    // Pieces that make placeholders, half placeholders, stray braces and replacement patterns
    // ("$&" is the match to replaceAll), in templates and values.
    const piece = fc.constantFrom(
      '$&',
      '$`',
      "$'",
      '$$',
      '{domain}',
      '{name}',
      '{version}',
      '{',
      '}',
      'name}',
      '{na',
      'me',
      '.',
      'v',
      'x',
      '',
    );
    const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 6 });
    fc.assert(
      fc.property(text, text, text, fc.integer({ min: 1, max: 999 }), (t, d, n, version) => {
        const [template, domain, name] = [t.join(''), d.join(''), n.join('')];
        const replaced = template
          .replaceAll('{domain}', domain)
          .replaceAll('{name}', name)
          .replaceAll('{version}', String(version));
        expect(topicName(template, domain, name, version)).toBe(replaced);
      }),
      { numRuns: 5000 },
    );
  });
});
