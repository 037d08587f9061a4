// A stack whose for_each blocks hold plain catalog data (topic names, configs, schema texts…).
// cdktf resolves every value of a stack three times looking for tokens; on a 10,000-topic catalog
// that is most of the synthesis time, for data that holds none. So plain entries are merged into
// the stack's JSON after resolution. They must contain no token (checked when added).
import { TerraformStack } from 'cdktf';
import type { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { Entries } from './entries';

type Json = Record<string, unknown>;

export class CatalogStack extends TerraformStack {
  private readonly plainBlocks: { resource: TerraformResource; entries: Entries<object> }[] = [];
  private readonly plainMoves: (() => { from: string; to: string }[])[] = [];

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
    for (const { resource, entries } of this.plainBlocks) {
      const types = tf.resource as Record<string, Record<string, Json>>;
      const block = types[resource.terraformResourceType]?.[resource.friendlyUniqueId];
      if (!block)
        throw new Error(`no block ${resource.terraformResourceType}.${resource.friendlyUniqueId}`);
      block.for_each = entries.toJSON();
    }
    const moves = this.plainMoves.flatMap((produce) => produce());
    if (moves.length > 0) tf.moved = [...((tf.moved as unknown[]) ?? []), ...moves];
    return tf;
  }
}
