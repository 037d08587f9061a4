// Entries are catalog data only: CatalogStack writes them after token resolution, so a token in
// one would reach the synthesized JSON unresolved.
import { Lazy, Token } from 'cdktf';
import { Entries } from './entries';

describe('entries', () => {
  const plain = (): Entries<object> => new Entries<object>();

  test('take catalog data: strings, numbers, booleans, null, nested maps and lists', () => {
    const e = plain();
    e.add('orders.order-created.v1', {
      partitions: 6,
      config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' },
      references: [{ name: 'com.acme.Money', subject_name: 'orders.types.money' }],
      flag: true,
      none: null,
      schema: 'literal $${x} text',
    });
    expect(e.keys()).toEqual(['orders.order-created.v1']);
  });

  test.each([
    ['a string token', { name: Token.asString(Lazy.stringValue({ produce: () => 'x' })) }],
    ['a string token inside text', { crn: `crn://${Token.asString({ resolve: () => 'x' })}/x` }],
    ['a number token', { partitions: Token.asNumber(Lazy.numberValue({ produce: () => 1 })) }],
    ['a list token', { list: Token.asList(Lazy.listValue({ produce: () => ['x'] })) }],
    ['a map token', { map: Token.asStringMap(Lazy.anyValue({ produce: () => ({}) })) }],
    [
      'a token nested in a map',
      { config: { 'retention.ms': Token.asString({ resolve: () => 1 }) } },
    ],
    ['a token as a map key', { config: { [Token.asString({ resolve: () => 'k' })]: 'v' } }],
    ['a resolvable object', { value: Lazy.anyValue({ produce: () => 'x' }) }],
  ])('refuse %s', (_, value) => {
    expect(() => plain().add('k', value)).toThrow(/holds a token/);
  });

  test('refuse a token in the key', () => {
    expect(() => plain().add(Token.asString({ resolve: () => 'k' }), {})).toThrow(/holds a token/);
  });

  test('adding the same entry twice is a no-op; a different value under the same key is refused', () => {
    const e = plain();
    e.add('k', { a: 1, b: ['x'] });
    e.add('k', { a: 1, b: ['x'] });
    expect(e.size).toBe(1);
    expect(() => e.add('k', { a: 1, b: ['y'] })).toThrow(/conflicting entries/);
    expect(() => e.add('k', { a: 1 })).toThrow(/conflicting entries/);
    expect(() => e.add('k', { b: ['x'], a: 1 })).toThrow(/conflicting entries/);
  });

  // One domain's frozen grants reach its table in every environment: checked once, shared by the
  // tables that hold nothing else, copied by the one that changes.
  test('a frozen list added to several tables: each is as if added entry by entry', () => {
    const list = Object.freeze([
      Object.freeze(['b', Object.freeze({ n: 2 })] as const),
      Object.freeze(['a', Object.freeze({ n: 1 })] as const),
    ]);
    const [first, second, third] = [plain(), plain(), plain()];
    third.add('c', { n: 3 });
    for (const e of [first, second, third]) e.addAll(list);
    first.add('z', { n: 26 });
    expect(first.keys()).toEqual(['a', 'b', 'z']);
    expect(second.keys()).toEqual(['a', 'b']);
    expect(third.keys()).toEqual(['a', 'b', 'c']);
    expect(second.sameAs(plain())).toBe(false);
    const again = plain();
    again.addAll(list);
    expect(again.sameAs(second)).toBe(true);
    expect(() => second.add('a', { n: 9 })).toThrow(/conflicting entries/);
    expect(second.get('a')).toEqual({ n: 1 });
    expect(() => again.addAll([['a', { n: 5 }]])).toThrow(/conflicting entries/);
    expect(() => plain().addAll([['k', { x: Token.asString({ resolve: () => 1 }) }]])).toThrow(
      /holds a token/,
    );
    expect(() =>
      plain().addAll([
        ['k', { x: 1 }],
        ['k', { x: 2 }],
      ]),
    ).toThrow(/conflicting entries/);
  });
});
