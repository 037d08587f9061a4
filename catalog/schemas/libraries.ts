// The schema libraries, each loaded on first use instead of when the catalog's modules load: a
// catalog without Protobuf never loads protobufjs, one without JSON Schema never loads ajv, and a
// validation whose verdicts are all remembered loads none of them. The use sites take their
// types from `import type` and their values from here.
/* eslint-disable @typescript-eslint/no-require-imports */
import type AjvDraft7 from 'ajv';
import type AjvDraft2020 from 'ajv/dist/2020';
import type AddFormats from 'ajv-formats';
import type * as Avsc from 'avsc';
import type * as Protobufjs from 'protobufjs';

let avsc: typeof Avsc | undefined;

export const lib = {
  get avro(): typeof Avsc {
    return (avsc ??= lazyCodegen(require('avsc') as typeof Avsc));
  },
  get protobuf(): typeof Protobufjs {
    return require('protobufjs') as typeof Protobufjs;
  },
  get Ajv(): typeof AjvDraft7 {
    return (require('ajv') as { default: typeof AjvDraft7 }).default;
  },
  get Ajv2020(): typeof AjvDraft2020 {
    return (require('ajv/dist/2020') as { default: typeof AjvDraft2020 }).default;
  },
  get addFormats(): typeof AddFormats {
    return (require('ajv-formats') as { default: typeof AddFormats }).default;
  },
};

type Factory = (this: unknown, ...args: unknown[]) => unknown;
type Class = new (...args: unknown[]) => object;
interface RecordLike {
  _getConstructorName(): string;
}

/** How many checkOnly calls are running (nested checks share the count). */
let checking = 0;

/**
 * Runs `fn`, which makes avsc types only to check schemas, so each record's constructor (code
 * generated with `new Function`) is made on its first `new` (a record-typed field default), not
 * with the type. The types stay complete: one that does encode or decode makes it then.
 */
export function checkOnly<T>(fn: () => T): T {
  checking++;
  try {
    return fn();
  } finally {
    checking--;
  }
}

/**
 * Stands in for avsc's record constructor until its first `new`: then the real one is made and
 * builds the instance, whose prototype chain holds both (instanceof either is true). It carries
 * what avsc sets on its own (`type`, `getType`, the constructor's name).
 */
function lazyConstructor(type: RecordLike, plain: boolean, make: () => Class): Class {
  let made: Class | undefined;
  const Record = function (this: unknown, ...values: unknown[]): object {
    if (!made) {
      made = make();
      Object.setPrototypeOf(Record.prototype, made.prototype);
    }
    return Reflect.construct(made, values, new.target ?? Record) as object;
  } as unknown as Class & { type?: unknown; getType?: () => unknown };
  Object.defineProperty(Record, 'name', { value: type._getConstructorName() });
  if (!plain) {
    Record.type = type;
    Record.getType = () => type;
  }
  return Record;
}

/**
 * avsc generates code (`new Function`) for every type it parses: each record's reader, writer,
 * skipper and checker, and a union branch constructor for every type. Checking that 10,000
 * schemas are valid Avro never encodes or decodes anything, yet that code generation would be
 * most of its time. Here each generated function is made on its first call instead: the same
 * function runs, only later (and never, for a schema that is only checked). avsc's internals are
 * relied on, so only for the pinned 5.7 line; any other version keeps avsc's own behaviour.
 */
function lazyCodegen(avro: typeof Avsc): typeof Avsc {
  const version = (require('avsc/package.json') as { version: string }).version;
  const record = (avro.types as unknown as Record<string, { prototype: Record<string, Factory> }>)
    .RecordType?.prototype;
  const type = (avro.Type as unknown as { prototype: Record<string, Factory> }).prototype;
  const methods = ['_createReader', '_createSkipper', '_createWriter', '_createChecker'];
  if (!version.startsWith('5.7.') || !record || !type._createBranchConstructor) return avro;
  if (methods.some((m) => typeof record[m] !== 'function')) return avro;
  for (const m of methods) {
    const make = record[m] as Factory;
    record[m] = function (this: unknown) {
      let made: Factory | undefined;
      const build = (): Factory => (made ??= make.call(this) as Factory);
      return function (this: unknown, ...args: unknown[]) {
        return build().apply(this, args);
      };
    };
  }
  // The record constructor: made on first `new` while types are only being checked (see
  // checkOnly); a type made for encoding or decoding keeps avsc's own, which its reader calls.
  const makeConstructor = record._createConstructor as Factory;
  record._createConstructor = function (this: RecordLike, ...args: unknown[]) {
    if (checking === 0) return makeConstructor.apply(this, args);
    return lazyConstructor(this, args[1] === true, () => makeConstructor.apply(this, args) as Class);
  } as Factory;
  // A branch constructor is only ever called with `new`, which returns the real branch object.
  type BranchClass = new (value: unknown) => unknown;
  const makeBranch = type._createBranchConstructor as Factory;
  type._createBranchConstructor = function (this: { branchName?: string }) {
    if (this.branchName === 'null') return null;
    let made: BranchClass | undefined;
    const build = (): BranchClass => (made ??= makeBranch.call(this) as BranchClass);
    function Branch(value: unknown): unknown {
      return new (build())(value);
    }
    Branch.type = this;
    return Branch;
  } as Factory;
  return avro;
}
