// The seam between the stacks and cdktf's internals. Everything that depends on how cdktf 0.21
// works inside (its synthesizer, toTerraform and deep merge, the text of cdk.tf.json, its private
// token stack traces, the data source behind a cross-stack reference, the iterator name of a
// dynamic block) lives in this folder, with the tests that hold it equal to cdktf's own rendering.
// The rest of stacks/ and main.ts import only this file (ESLint refuses a deeper import), so an
// upgrade to cdktf's successor is a change to this folder alone.
export { createApp } from './app';
export type { CreateAppOptions } from './app';
export { CatalogStack } from './catalog-stack';
export type { BlockMove, ImportBlock } from './catalog-stack';
export { Entries, each, shared } from './entries';
export {
  address,
  dependsOn,
  dynamicBlock,
  expression,
  instanceAttribute,
  literalAttributes,
  remoteStateOutputs,
  variableExpression,
} from './refs';
