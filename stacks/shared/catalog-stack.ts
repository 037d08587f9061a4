// A stack whose for_each blocks hold plain catalog data (topic names, configs, schema texts…).
// cdktf resolves every value of a stack three times looking for tokens, then sorts and writes every
// key with json-stable-stringify; on a 10,000-topic catalog that was most of the synthesis time,
// for data that holds no token. So plain entries skip both: they must contain no token (checked
// when added), and are merged into the stack's JSON after resolution. cdktf's own synthesizer still
// runs (aspects, validations, manifest, annotations) and writes the stack without them; the complete
// stack is then written over it, its entries rendered straight from their maps (the same text).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
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

  /** Renders `entries` as `resource`'s for_each (created with `entries.placeholder()`). */
  bindEntries(resource: TerraformResource, entries: Entries<object>): void {
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
