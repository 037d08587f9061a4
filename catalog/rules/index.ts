// Every rule that needs only the catalog files (no git base, no cluster), in report order.
// Capacity runs on the built model (see capacity.ts).
import { accessHygiene, appReferences } from './access';
import type { Rule } from './context';
import { fileNameMatchesDomain, schemaFoldersBelongToDomains } from './domains';
import { schemaFiles, topicSchemas, unusedSchemas } from './schemas';
import { topicConfigs, topicDeletion, topicLimits, topicNames } from './topics';

export const RULES: readonly Rule[] = [
  fileNameMatchesDomain,
  schemaFoldersBelongToDomains,
  topicNames,
  topicLimits,
  topicConfigs,
  topicDeletion,
  appReferences,
  accessHygiene,
  topicSchemas,
  schemaFiles,
  unusedSchemas,
];
