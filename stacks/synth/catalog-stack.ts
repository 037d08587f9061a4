// A stack built from the catalog: its for_each blocks hold plain entries (topic names, ACLs,
// schema texts, accounts…, see entries.ts), one per catalog item. cdktf resolves every value of
// a stack three times looking for tokens, then sorts and writes every key with
// json-stable-stringify; entries hold no token, so they skip both (synthesis then grows with the
// elements that hold tokens, not with the catalog): they are merged into the stack's JSON after
// resolution. cdktf's own synthesizer still runs (aspects, validations, manifest, annotations)
// up to the stack's rendering, where it stops: the complete stack is written by this class, its
// entries rendered straight from their maps (the same text). Literal attributes (`addLiteralAttributes`:
// a number or map attribute read from `each.value`, `depends_on`) are merged the same way, so the
// blocks of a domain stack hold no token and cdktf resolves none of them. A domain's stacks in
// different environments mostly hold the same entries (access and schemas do not vary by
// environment): each text is rendered once and reused while the entries are equal.
import { closeSync, openSync, readFileSync, statSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  Aspects,
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import type { TerraformResource } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import type { Entries } from './entries';
import { holdsToken } from './entries';
import { Rendered, stableJsonAt, stableJsonParts } from './stable-json';

type Json = Record<string, unknown>;

/** Attributes of a block by their Terraform names, as literal expressions (no token). */
export type LiteralAttributes = Readonly<Record<string, string | readonly string[]>>;

/** A Terraform `moved` block: a resource instance's address changed, its state goes along. */
export interface BlockMove {
  readonly from: string;
  readonly to: string;
}

/**
 * A Terraform `import` block: an existing object adopted into a resource instance's address
 * (`to`, e.g. `confluent_kafka_topic.topic["orders.x"]`) by its provider id.
 */
export interface ImportBlock {
  readonly to: string;
  readonly id: string;
  /** The resource's provider configuration when it is not the default one (`confluent.acls`). */
  readonly provider?: string;
}

export class CatalogStack extends TerraformStack {
  private readonly plainBlocks: { resource: TerraformResource; entries: Entries<object> }[] = [];
  private readonly literals: { resource: TerraformResource; attributes: LiteralAttributes }[] = [];
  private readonly plainMoves: (() => readonly BlockMove[])[] = [];
  private readonly plainImports: (() => readonly ImportBlock[])[] = [];
  /** Set while cdktf's synthesizer runs: the resolved stack, without plain entries. */
  private resolved?: { tf?: Json };
  private stackOverrides = false;
  /**
   * What prepareStack rendered of each element (before resolution), for this synthesis to
   * resolve instead of rendering it again (see `preparedRenderings`).
   */
  private prepared?: Map<TerraformElement, Prepared>;

  /**
   * @param renderingKey stacks with the same key (one domain's stack in each environment) reuse
   *   each other's rendered entries where they are equal.
   */
  constructor(
    scope: Construct,
    id: string,
    private readonly renderingKey?: string,
  ) {
    super(scope, id);
    const cdktf = this.synthesizer;
    this.synthesizer = {
      synthesize: (session) => {
        // cdktf's HCL rendering would leave the entries out: refuse rather than write less.
        if (App.of(this).hclOutput) {
          throw new Error(`${this.node.id}: HCL output is not supported, synthesize JSON`);
        }
        const resolved: { tf?: Json } = {};
        this.resolved = resolved;
        try {
          cdktf.synthesize(session);
        } catch (e) {
          if (e !== RENDERED) throw e;
        } finally {
          this.resolved = undefined;
        }
        if (!resolved.tf) throw new Error(`${this.node.id}: cdktf did not render the stack`);
        const file = join(session.outdir, session.manifest.forStack(this).synthesizedStackPath);
        const tf = this.withEntries(
          resolved.tf,
          (entries, resource) => new Rendered((indent) => this.render(resource, entries, indent)),
        );
        writeUnlessEqual(file, stableJsonParts(tf));
      },
    };
  }

  /**
   * Renders plain `entries` as `resource`'s for_each. The resource is declared without `forEach`
   * (its attributes use `each`, see entries.ts): cdktf resolves a block without its
   * instances, and for_each is added to its JSON afterwards.
   */
  bindEntries(resource: TerraformResource, entries: Entries<object>): void {
    if (resource.forEach) throw new Error(`${resource.node.path} has its own for_each`);
    this.plainBlocks.push({ resource, entries });
  }

  /**
   * Writes `attributes` (Terraform names, literal expressions) into `resource`'s block, like
   * for_each: after resolution, so no token is needed where the binding's type is not a string,
   * and unlike `addOverride`, without listing them in the stack's metadata.
   */
  addLiteralAttributes(resource: TerraformResource, attributes: LiteralAttributes): void {
    if (resource.cdktfStack !== this)
      throw new Error(`${resource.node.path} is not in ${this.node.id}`);
    this.literals.push({ resource, attributes });
  }

  /** Adds `moved` blocks, produced at synthesis. */
  addMoves(produce: () => readonly BlockMove[]): void {
    this.plainMoves.push(produce);
  }

  /** Adds `import` blocks, produced at synthesis (written like `moved`: after resolution). */
  addImports(produce: () => readonly ImportBlock[]): void {
    this.plainImports.push(produce);
  }

  /** The CatalogStack a construct belongs to. */
  static ofConstruct(scope: IConstruct): CatalogStack {
    const stack = TerraformStack.of(scope);
    if (!(stack instanceof CatalogStack))
      throw new Error(`${scope.node.path} is not in a CatalogStack`);
    return stack;
  }

  /**
   * cdktf resolves every element once before synthesis, only so that tokens referring to other
   * stacks can register outputs and remote state. An element that holds no token cannot refer to
   * anything: most elements of a domain stack hold none (literal expressions, plain entries), so
   * only the others are prepared. Same result, far fewer resolutions over 600 domain stacks.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
    const prepared = new Map<TerraformElement, Prepared>();
    for (const element of elementsOf(this)) {
      const tf: unknown = element.toTerraform();
      const tokens = holdsTokenHere(tf);
      if (tokens) Tokenization.resolve(tf, { scope: this, preparing: true, resolver: RESOLVER });
      prepared.set(element, { tf, tokens });
    }
    this.prepared = prepared;
  }

  override addOverride(path: string, value: unknown): void {
    this.stackOverrides = true;
    super.addOverride(path, value);
  }

  /** The stack's Terraform JSON, entries included: cdktf's own rendering. */
  override toTerraform(): Json {
    if (this.resolved) {
      this.resolved.tf = this.synthesizedTerraform();
      // The last thing cdktf's synthesizer does with what this returns is to serialize it and
      // write it to the stack's file, which the complete stack is then written over (see the
      // constructor). Stopping it here saves that text and, above all, that write: truncating
      // the previous synthesis's file to `{}` before writing it again cost more than writing it.
      throw RENDERED;
    }
    return this.withEntries(super.toTerraform() as Json, (entries) => entries.toJSON());
  }

  /**
   * What cdktf's toTerraform renders (a test checks it is the same), as synthesis uses it:
   * an element without tokens is only copied without its undefined members (all that resolving
   * it would do), and the merged stack is not resolved a second time (nothing in it is left to
   * resolve). Stack-level overrides, which cdktf merges unresolved, take cdktf's own path.
   */
  private synthesizedTerraform(): Json {
    const prepared = this.preparedRenderings();
    if (this.stackOverrides) return super.toTerraform() as Json;
    const resolve = (value: unknown, tokens = holdsTokenHere(value)): unknown =>
      tokens
        ? Tokenization.resolve(value, { scope: this, preparing: false, resolver: RESOLVER })
        : withoutUndefined(value);
    const elements = elementsOf(this);
    const metadata: Json = {
      version: this.node.tryGetContext('cdktfVersion') as unknown,
      stackName: this.node.id,
      backend: 'local', // the backend's own metadata says which
      cloud: undefined,
    };
    for (const element of elements) deepMerge(metadata, resolve(element.toMetadata()));
    const outputs: Json = {};
    for (const element of elements) {
      if (!TerraformOutput.isTerraformOutput(element)) continue;
      const path = element.node.path.split('/');
      let at = outputs;
      for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Json;
      at[path[path.length - 1] as string] = element.friendlyUniqueId;
    }
    const tf: Json = { '//': { metadata, outputs } };
    for (const element of elements) {
      const rendered = prepared?.get(element);
      deepMerge(
        tf,
        rendered ? resolve(rendered.tf, rendered.tokens) : resolve(element.toTerraform()),
      );
    }
    return tf;
  }

  /**
   * prepareStack's renderings of this stack's elements, taken once (the next synthesis prepares
   * again), when nothing can have changed an element since: what cdktf runs between preparing
   * and writing a stack that could, aspects and custom synthesis, is in none of this stack's
   * constructs (nor its parents, whose aspects reach it). Otherwise none: every element is
   * rendered again. Preparing resolves a copy (resolution never changes what it resolves), and
   * what a token stands for is read when it is resolved, so a rendering made before other stacks
   * were prepared resolves as one made now. Elements added since (outputs, remote state) have
   * none and are rendered here.
   */
  private preparedRenderings(): Map<TerraformElement, Prepared> | undefined {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (!prepared) return undefined;
    for (let scope = this.node.scope; scope; scope = scope.node.scope) {
      if (Aspects.of(scope).all.length > 0) return undefined;
    }
    for (const c of this.node.findAll()) {
      if (Aspects.of(c).all.length > 0 || CUSTOM_SYNTHESIS in c) return undefined;
    }
    return prepared;
  }

  /**
   * The text of `entries` (its UTF-8 bytes), rendered or, when another stack with this key had
   * equal ones, reused.
   */
  private render(
    resource: TerraformResource,
    entries: Entries<object>,
    indent: string,
  ): string | Buffer {
    if (this.renderingKey === undefined) return stableJsonAt(entries, indent);
    let cache = renderings.get(App.of(this));
    if (!cache) renderings.set(App.of(this), (cache = new Map()));
    const key = `${this.renderingKey}|${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
    const previous = cache.get(key);
    // Entries only grow: the same size means the same entries (they may be the very same object).
    if (
      previous &&
      previous.indent === indent &&
      previous.size === entries.size &&
      previous.entries.sameAs(entries)
    ) {
      return previous.bytes;
    }
    const bytes = Buffer.from(stableJsonAt(entries, indent));
    cache.set(key, { entries, size: entries.size, indent, bytes });
    return bytes;
  }

  private withEntries(
    tf: Json,
    render: (entries: Entries<object>, resource: TerraformResource) => unknown,
  ): Json {
    const blockOf = (resource: TerraformResource): Json => {
      const types = tf.resource as Record<string, Record<string, Json>> | undefined;
      const block = types?.[resource.terraformResourceType]?.[resource.friendlyUniqueId];
      if (!block)
        throw new Error(`no block ${resource.terraformResourceType}.${resource.friendlyUniqueId}`);
      return block;
    };
    for (const { resource, entries } of this.plainBlocks) {
      blockOf(resource).for_each = render(entries, resource);
    }
    for (const { resource, attributes } of this.literals) {
      const block = blockOf(resource);
      for (const [name, value] of Object.entries(attributes)) {
        if (block[name] !== undefined) throw new Error(`${resource.node.path} sets ${name} twice`);
        block[name] = value;
      }
    }
    const moves = this.plainMoves.flatMap((produce) => produce());
    if (moves.length > 0) tf.moved = [...((tf.moved as unknown[]) ?? []), ...moves];
    const imports = this.plainImports.flatMap((produce) => produce());
    if (imports.length > 0) tf.import = [...((tf.import as unknown[]) ?? []), ...imports];
    return tf;
  }
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** An element's toTerraform() when its stack was prepared, and whether it holds tokens. */
interface Prepared {
  readonly tf: unknown;
  readonly tokens: boolean;
}

/** Where cdktf 0.21 keeps a construct's custom synthesis (synthesize/synthesizer.ts). */
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

/**
 * Thrown by toTerraform while cdktf's synthesizer runs, once the stack is rendered: what would
 * follow in cdktf 0.21's StackSynthesizer is only the write of the file this class writes itself.
 */
const RENDERED: unique symbol = Symbol('rendered');

/** Per app, by rendering key and block: the last entries rendered and their text. */
const renderings = new WeakMap<
  App,
  Map<string, { entries: Entries<object>; size: number; indent: string; bytes: Buffer }>
>();
const EXPONENT = /\d[eE][-+]?\d/;

/**
 * Writes `parts` to `file` unless the file already holds exactly these bytes (compared, never
 * assumed): synthesizing an unchanged catalog again then rewrites nothing. Rewriting 800 files
 * in place cost seconds of waiting on a busy disk, comparing them a fraction of that. The parts
 * are compared and written as they are, never joined.
 */
function writeUnlessEqual(file: string, parts: readonly Uint8Array[]): void {
  let size = 0;
  for (const p of parts) size += p.length;
  if (statSync(file, { throwIfNoEntry: false })?.size === size && holds(readFileSync(file), parts))
    return;
  const fd = openSync(file, 'w');
  try {
    let written = 0;
    // writev may write less than asked (a signal, a full pipe): go on from where it stopped.
    while (written < size) {
      written += writevSync(fd, unwritten(parts, written));
    }
  } finally {
    closeSync(fd);
  }
}

/** Whether `bytes` are exactly `parts`, one after the other. */
function holds(bytes: Buffer, parts: readonly Uint8Array[]): boolean {
  let at = 0;
  for (const p of parts) {
    if (at + p.length > bytes.length) return false;
    if (bytes.compare(p, 0, p.length, at, at + p.length) !== 0) return false;
    at += p.length;
  }
  return at === bytes.length;
}

/** `parts` without their first `skip` bytes. */
function unwritten(parts: readonly Uint8Array[], skip: number): Uint8Array[] {
  if (skip === 0) return [...parts];
  const rest: Uint8Array[] = [];
  let at = 0;
  for (const p of parts) {
    if (at + p.length > skip) rest.push(at >= skip ? p : p.subarray(skip - at));
    at += p.length;
  }
  return rest;
}

/** What resolving does to plain data: a copy without undefined members or list items. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined).map(withoutUndefined);
  }
  if (typeof value !== 'object' || value === null) return value;
  const copy: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) copy[k] = withoutUndefined(v);
  return copy;
}

/**
 * cdktf's deepMerge (not exported): objects merged key by key, arrays appended, `undefined`
 * deleting, resolvable values taken as they are.
 */
function deepMerge(target: Json, source: unknown): void {
  if (typeof source !== 'object' || source === null) {
    throw new Error(`cannot merge ${typeof source} into a stack`);
  }
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (Tokenization.isResolvable(value)) {
        target[key] = value;
        continue;
      }
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      deepMerge(target[key] as Json, value);
    } else if (Array.isArray(value)) {
      const existing = target[key];
      target[key] = Array.isArray(existing) ? [...(existing as unknown[]), ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
}

/** The stack's elements, as cdktf's prepareStack visits them (nested stacks excluded). */
function elementsOf(scope: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(scope)) into.push(scope);
  for (const child of scope.node.children) {
    if (!TerraformStack.isStack(child)) elementsOf(child, into);
  }
  return into;
}

/**
 * Whether any value (or key) is, or embeds, a token. A number token written into a string reads
 * as a double with an exponent: here any such string counts (at worst, resolved for nothing).
 */
const holdsTokenHere = (value: unknown): boolean =>
  holdsToken(value, (s) => s.includes('TfToken[') || EXPONENT.test(s));
