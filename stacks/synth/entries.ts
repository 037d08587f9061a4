// The data behind a `for_each` block: one entry per catalog item, keyed by its catalog id
// (topic name, ACL key, subject…), so Terraform addresses read like the catalog and never
// depend on construct paths. Catalog data only, no token: CatalogStack.bindEntries writes them
// into the stack's JSON after cdktf's resolution (catalog-stack.ts). Constructs add entries until synthesis.
import { Token } from 'cdktf';
import type { SortedMap } from './stable-json';

export class Entries<T extends object> implements SortedMap {
  private items = new Map<string, T>();
  /** Whether `items` is a list's map (see addAll), shared with other tables: copied to change. */
  private sharing = false;

  /** Adds an entry; adding the same key again with the same value is a no-op. */
  add(key: string, value: T): void {
    const existing = this.items.get(key);
    if (existing && !sameData(existing, value)) {
      throw new Error(`conflicting entries for "${key}"`);
    }
    if (!existing && (isTokenString(key) || !plainData(value))) {
      throw new Error(`entry "${key}" holds a token: entries are catalog data only`);
    }
    if (existing === value) return;
    if (this.sharing) {
      this.items = new Map(this.items);
      this.sharing = false;
    }
    this.items.set(key, value);
  }

  /**
   * Adds `[key, value]` pairs, as `add` each. A deeply frozen list (one domain's grants, which
   * reach its stack in every environment) is checked once: a table that holds nothing yet then
   * shares the list's map with every other such table until one of them changes.
   */
  addAll(list: readonly (readonly [string, T])[]): void {
    let map = listMaps.get(list) as Map<string, T> | undefined;
    if (!map) {
      const checked = new Entries<T>();
      for (const [key, value] of list) checked.add(key, value);
      map = checked.items;
      if (deeplyFrozen(list)) listMaps.set(list, map);
    }
    if (this.items.size === 0) {
      this.items = map;
      this.sharing = true;
    } else {
      for (const [key, value] of map) this.add(key, value);
    }
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  keys(): string[] {
    return [...this.sortedKeys()];
  }

  /** The keys in sort order, sorted once for a shared map (which never changes). */
  sortedKeys(): readonly string[] {
    if (!this.sharing) return [...this.items.keys()].sort();
    let keys = sortedKeysOf.get(this.items);
    if (!keys) sortedKeysOf.set(this.items, (keys = Object.freeze([...this.items.keys()].sort())));
    return keys;
  }

  /** The entries as a plain object, in key order. */
  toJSON(): Record<string, T> {
    return Object.fromEntries(this.sortedKeys().map((k) => [k, this.items.get(k) as T]));
  }

  /** Whether both hold the same keys with the same values. */
  sameAs(other: Entries<object>): boolean {
    if (other.items === this.items) return true;
    if (other.items.size !== this.items.size) return false;
    for (const [key, value] of this.items) {
      if (!sameData(value, other.items.get(key))) return false;
    }
    return true;
  }
}

/** Checked lists' maps (see Entries.addAll), by list. */
const listMaps = new WeakMap<object, ReadonlyMap<string, object>>();
/** Shared maps' keys in sort order. */
const sortedKeysOf = new WeakMap<ReadonlyMap<string, object>, readonly string[]>();

/**
 * `each.key` and `each.value.<attribute>` of a block bound to plain entries, as the literal
 * Terraform expressions the iterator tokens would resolve to. Iterator tokens would cost a full
 * token resolution per attribute, per block, three times per synthesis, for strings known up
 * front. Where a binding's type wants a number or a map, see `literalAttributes` (refs.ts).
 */
export const each = {
  key: '${each.key}',
  value: (attribute: string): string => `\${each.value.${attribute}}`,
} as const;

/** cdktf encodes string, list and map tokens as `${TfToken[…]}`, `#{…}`, `&{…}`. */
const TOKEN = /[$#&]\{TfToken\[/;

/**
 * Whether a key or value is anything but plain data: a token in a string or key (as
 * `tokenString` recognizes one), a tokenized number, or an object other than a plain object or
 * array (a Lazy, a construct…). Walked rather than serialized: it runs once for every entry of
 * every stack.
 */
export function holdsToken(value: unknown, tokenString: (s: string) => boolean): boolean {
  switch (typeof value) {
    case 'string':
      return tokenString(value);
    case 'number':
      return Token.isUnresolved(value);
    case 'boolean':
    case 'undefined':
      return false;
    case 'object': {
      if (value === null) return false;
      if (Array.isArray(value)) return value.some((v) => holdsToken(v, tokenString));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return true;
      for (const k in value) {
        if (tokenString(k) || holdsToken((value as Record<string, unknown>)[k], tokenString)) {
          return true;
        }
      }
      return false;
    }
    default:
      return true;
  }
}

/**
 * Deeply frozen values found to hold no token: they cannot change, so neither can the answer
 * (one domain's entries reach its stack in every environment as the same frozen objects).
 */
const plainValues = new WeakSet<object>();

/** Whether an entry's value holds no token (see holdsToken), each deeply frozen value walked once. */
function plainData(value: object): boolean {
  if (plainValues.has(value)) return true;
  if (holdsToken(value, isTokenString)) return false;
  if (deeplyFrozen(value)) plainValues.add(value);
  return true;
}

function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  for (const k in value) {
    if (!deeplyFrozen((value as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * `derive` made once per deeply frozen catalog object (a domain's ACL grants, a subject) and
 * shared by every stack that asks: the catalog hands each environment the same frozen objects, so
 * one domain's stacks in four environments hold the same entry objects, compared by identity
 * when a stack's rendering is reused by the next. A value that is not deeply frozen could
 * change, so it is derived each time.
 */
export function shared<K extends object, V extends object>(derive: (k: K) => V): (k: K) => V {
  const made = new WeakMap<K, V>();
  return (k) => {
    const found = made.get(k);
    if (found !== undefined) return found;
    const value = derive(k);
    if (deeplyFrozen(k)) made.set(k, value);
    return value;
  };
}

/** Deep equality of catalog data (what comparing the JSON texts did, without building them). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i]) return false;
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) {
      return false;
    }
  }
  return true;
}

function isTokenString(s: string): boolean {
  return s.includes('TfToken[') && TOKEN.test(s);
}
