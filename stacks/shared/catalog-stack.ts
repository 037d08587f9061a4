// A stack whose for_each blocks hold plain catalog data (topic names, configs, schema texts…).
// cdktf resolves every value of a stack three times looking for tokens, then sorts and writes every
// key with json-stable-stringify; on a 10,000-topic catalog that was most of the synthesis time,
// for data that holds no token. So plain entries skip both: they must contain no token (checked
// when added), and are merged into the stack's JSON after resolution. cdktf's own synthesizer still
// runs (aspects, validations, manifest, annotations) and writes the stack without them; the complete
// stack is then written over it, its entries rendered straight from their maps (the same text).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
import type { TerraformResource } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import type { Entries } from './entries';
import { stableJson } from './stable-json';

type Json = Record<string, unknown>;

export class CatalogStack extends TerraformStack {
  private readonly plainBlocks: { resource: TerraformResource; entries: Entries<object> }[] = [];
  private readonly plainMoves: (() => { from: string; to: string }[])[] = [];
  /** Set while cdktf's synthesizer runs: the resolved stack it writes, without plain entries. */
  private resolved?: { tf?: Json };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const cdktf = this.synthesizer;
    this.synthesizer = {
      synthesize: (session) => {
        // HCL output is cdktf's own rendering from start to end.
        if (App.of(this).hclOutput) return cdktf.synthesize(session);
        const resolved: { tf?: Json } = {};
        this.resolved = resolved;
        try {
          cdktf.synthesize(session);
        } finally {
          this.resolved = undefined;
        }
        if (!resolved.tf) throw new Error(`${this.node.id}: cdktf did not render the stack`);
        const file = join(session.outdir, session.manifest.forStack(this).synthesizedStackPath);
        writeFileSync(file, stableJson(this.withEntries(resolved.tf, (entries) => entries)));
      },
    };
  }

  /**
   * Renders plain `entries` as `resource`'s for_each. The resource is declared without `forEach`
   * (its attributes use `each`, see shared/entries.ts): cdktf resolves a block without its
   * instances, and for_each is added to its JSON afterwards.
   */
  bindEntries(resource: TerraformResource, entries: Entries<object>): void {
    if (!entries.isPlain) throw new Error('only plain entries can be bound after resolution');
    if (resource.forEach) throw new Error(`${resource.node.path} has its own for_each`);
    this.plainBlocks.push({ resource, entries });
  }

  /** Adds `moved` blocks, produced at synthesis. */
  addMoves(produce: () => { from: string; to: string }[]): void {
    this.plainMoves.push(produce);
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
    for (const element of elementsOf(this)) {
      const tf: unknown = element.toTerraform();
      if (holdsToken(tf)) {
        Tokenization.resolve(tf, { scope: this, preparing: true, resolver: PREPARE });
      }
    }
  }

  override toTerraform(): Json {
    const tf = super.toTerraform() as Json;
    if (this.resolved) {
      this.resolved.tf = tf;
      return tf;
    }
    return this.withEntries(tf, (entries) => entries.toJSON());
  }

  private withEntries(tf: Json, render: (entries: Entries<object>) => unknown): Json {
    for (const { resource, entries } of this.plainBlocks) {
      const types = tf.resource as Record<string, Record<string, Json>>;
      const block = types[resource.terraformResourceType]?.[resource.friendlyUniqueId];
      if (!block)
        throw new Error(`no block ${resource.terraformResourceType}.${resource.friendlyUniqueId}`);
      block.for_each = render(entries);
    }
    const moves = this.plainMoves.flatMap((produce) => produce());
    if (moves.length > 0) tf.moved = [...((tf.moved as unknown[]) ?? []), ...moves];
    return tf;
  }
}

const PREPARE = new DefaultTokenResolver(new StringConcat());

/** The stack's elements, as cdktf's prepareStack visits them (nested stacks excluded). */
function elementsOf(scope: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(scope)) into.push(scope);
  for (const child of scope.node.children) {
    if (!TerraformStack.isStack(child)) elementsOf(child, into);
  }
  return into;
}

/** Whether any value (or key) is, or embeds, a token; anything but plain data counts as one. */
function holdsToken(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return value.includes('TfToken[');
    case 'number':
      return Token.isUnresolved(value);
    case 'boolean':
    case 'undefined':
      return false;
    case 'object': {
      if (value === null) return false;
      if (Array.isArray(value)) return value.some(holdsToken);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return true;
      for (const k in value) {
        if (k.includes('TfToken[') || holdsToken((value as Record<string, unknown>)[k]))
          return true;
      }
      return false;
    }
    default:
      return true;
  }
}
