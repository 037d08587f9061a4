// Whatever a domain team writes, the validator answers with positioned diagnostics and never
// throws: arbitrary YAML, and random mutations of the real sample catalog.
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument, stringify } from 'yaml';
import { fastLoad } from '../../../catalog/source';
import { main } from '../../../catalog/cli';
import { validateCatalog } from '../../../catalog/validate';
import { REPO_ROOT } from '../../../shared/repo-root';
import { catalogFixture } from '../../support/catalog-fixture';

const root = catalogFixture();
const original = readFileSync(join(REPO_ROOT, 'topics/orders.yaml'), 'utf8');

function check(text: string, viaCli = false): void {
  writeFileSync(join(root, 'topics/orders.yaml'), text);
  if (viaCli) {
    const silent = { write: () => true } as never;
    expect([0, 1]).toContain(main(['validate', '--root', root], silent, silent));
    return;
  }
  const result = validateCatalog(root);
  for (const d of result.diagnostics) {
    expect(d.file).toMatch(/^(topics|schemas|platform\.yaml|\.github)/);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.rule).toMatch(/^[a-z-]+$/);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

/** Any JSON-ish value, to plant anywhere in the document. */
const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);

/** Sets a value at a random path of a plain object tree (creating nothing above it). */
function mutate(doc: unknown, choices: number[], value: unknown, remove: boolean): unknown {
  if (!doc || typeof doc !== 'object') return value;
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ([...doc] as never)
    : { ...(doc as object) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || choices.length === 0) return value;
  const key = keys[(choices[0] as number) % keys.length] as string;
  if (choices.length === 1) {
    if (remove) delete copy[key];
    else copy[key] = value;
  } else copy[key] = mutate(copy[key], choices.slice(1), value, remove);
  return copy;
}

describe('validator properties', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => check(text)),
      { numRuns: 100 },
    );
  });

  it('the CLI always exits 0 or 1 on arbitrary YAML', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => check(stringify(value), true)),
      { numRuns: 40 },
    );
  });

  it('never throws on arbitrary YAML documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => check(stringify(value))),
      { numRuns: 100 },
    );
  });

  it('never throws on mutations of a real domain file', () => {
    const doc = parse(original) as unknown;
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        junk,
        fc.boolean(),
        (choices, value, remove) => check(stringify(mutate(doc, choices, value, remove))),
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on line-level damage to a real domain file', () => {
    const fileLines = original.split('\n');
    fc.assert(
      fc.property(
        fc.nat(fileLines.length - 1),
        fc.string({ maxLength: 12 }),
        fc.boolean(),
        (i, text, replace) => {
          const copy = [...fileLines];
          if (replace) copy[i] = text;
          else copy.splice(i, 0, text);
          check(copy.join('\n'));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the fast and the precise YAML path', () => {
  it('read every document the same way', () => {
    let fastRuns = 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, flow) => {
        const text = stringify(value, flow ? { collectionStyle: 'flow' } : {});
        const fast = fastLoad(text);
        const precise = parseDocument(text);
        if (precise.errors.length > 0) expect(fast.ok).toBe(false);
        else if (fast.ok) {
          fastRuns++;
          expect(fast.data).toEqual(precise.toJS());
        }
      }),
      { numRuns: 300 },
    );
    // The comparison above must actually run: most documents take the fast path.
    expect(fastRuns).toBeGreaterThan(250);
  });

  it('agree on scalars that YAML 1.1 and 1.2 read differently', () => {
    const text = 'a: yes\nb: on\nc: 2024-01-01\nd: 0o17\ne: 012\nf: .inf\ng: ~\nh: 1_000\n';
    const fast = fastLoad(text);
    expect(fast.ok && fast.data).toEqual(parse(text));
  });
});
