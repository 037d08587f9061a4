// What the generated code knows about one catalog topic (a topic binding): its name, its value
// schema and who may use it. `V` is the value's generated TypeScript type; it exists only at
// compile time. Not the catalog's Topic (catalog/model.ts), which the binding is generated from.
import type { SchemaFormat } from '../catalog/model';

export interface SchemaSource {
  readonly format: SchemaFormat;
  /** The schema file's text, as registered. */
  readonly text: string;
  /** Schemas it uses, by the name it uses for them ($ref, import path, Avro full name). */
  readonly references: readonly { readonly name: string; readonly subject: string }[];
}

export interface TopicBindingSpec {
  /** Full topic name, e.g. "orders.order-created.v1". */
  readonly name: string;
  /** Its key in the domain file, e.g. "order-created". */
  readonly key: string;
  readonly domain: string;
  /** The domain file that declares it, for error hints. */
  readonly catalogFile: string;
  /** Registry subject of the value (TopicNameStrategy). */
  readonly valueSubject: string;
  readonly value: SchemaSource;
  /** Reference subjects' own sources, so JSON Schema $refs and Protobuf imports resolve offline. */
  readonly referenced: Readonly<Record<string, SchemaSource>>;
  /** App ids ("domain/app") the catalog allows. */
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}

export interface TopicBinding<V> extends TopicBindingSpec {
  /** Never set: carries the value type so APIs can be typed by topic. */
  readonly __value?: V;
}

export function defineTopic<V>(spec: TopicBindingSpec): TopicBinding<V> {
  return Object.freeze({ ...spec });
}

/** The value type of a topic binding. */
export type ValueOf<T> = T extends TopicBinding<infer V> ? V : never;
