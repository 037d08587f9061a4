// Sentences for the change types the checkers report: what changed, and what to do instead.
import type { SchemaFormat } from '../../model';
import type { Change } from './types';

interface Said {
  readonly message: string;
  readonly hint: string;
}

const NEW_VERSION = 'or create a new topic version (version: N+1) and migrate producers and consumers';

/** What a limit, pattern or constraint change means (JSON Schema keyword changes). */
const KEYWORD = /^(MAX_LENGTH|MIN_LENGTH|PATTERN|MAXIMUM|MINIMUM|EXCLUSIVE_MAXIMUM|EXCLUSIVE_MINIMUM|MULTIPLE_OF|MAX_PROPERTIES|MIN_PROPERTIES|MAX_ITEMS|MIN_ITEMS|UNIQUE_ITEMS|DEPENDENCY_ARRAY|DEPENDENCY_SCHEMA|ADDITIONAL_PROPERTIES|ADDITIONAL_ITEMS)_(ADDED|REMOVED|INCREASED|DECREASED|CHANGED|EXPANDED|REDUCED|EXTENDED|NARROWED)$/;

const HINTS: Record<string, string> = {
  TYPE_CHANGED: `keep the previous type (or widen it with anyOf/oneOf that still includes it), ${NEW_VERSION}`,
  TYPE_NARROWED: `keep the wider type, ${NEW_VERSION}`,
  SCHEMA_ADDED: `leave the schema out (an absent schema accepts anything), ${NEW_VERSION}`,
  REQUIRED_ATTRIBUTE_ADDED: 'keep the property optional, or give it a "default"',
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: 'add the property as optional, or give it a "default"',
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL:
    'the earlier version accepts any value for this name ("additionalProperties" is absent): close the content model ("additionalProperties": false) in a version of its own first, or add the property with an empty schema {}',
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: 'keep the property (it can stay optional), or allow additional properties',
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'give the property a schema that accepts what additionalProperties/patternProperties accepted',
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'keep the property, or make additionalProperties/patternProperties accept its values',
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: 'the earlier version accepts any item here: keep the tuple as it was',
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: 'keep the tuple item, or allow additional items',
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'give the item a schema that accepts what additionalItems accepted',
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'keep the item, or make additionalItems accept its values',
  ENUM_ARRAY_NARROWED: 'keep every value the earlier version allowed (adding values is fine)',
  ENUM_ARRAY_CHANGED: 'keep every value the earlier version allowed (adding values is fine)',
  COMBINED_TYPE_CHANGED: 'keep the allOf/anyOf/oneOf keyword (changing to anyOf is fine)',
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: 'keep each earlier allOf/anyOf/oneOf branch readable: add branches rather than change them',
  SUM_TYPE_NARROWED: 'keep every anyOf/oneOf branch (adding one is fine)',
  PRODUCT_TYPE_EXTENDED: 'do not add allOf branches: each one restricts what is valid',
  NOT_TYPE_EXTENDED: 'do not widen what "not" excludes',
  // Avro
  READER_FIELD_MISSING_DEFAULT_VALUE: 'give the field a "default" (e.g. make it ["null", …] with "default": null), or keep it in both versions',
  TYPE_MISMATCH: `keep the field's type (Avro promotes int→long→float→double and string↔bytes), ${NEW_VERSION}`,
  NAME_MISMATCH: 'keep the name, or add the earlier name to "aliases"',
  MISSING_ENUM_SYMBOLS: 'keep every symbol, or give the enum a "default" symbol',
  MISSING_UNION_BRANCH: 'keep every branch of the union (adding branches is fine for readers)',
  FIXED_SIZE_MISMATCH: `keep the fixed size, ${NEW_VERSION}`,
  // Protobuf
  MESSAGE_REMOVED: 'keep the message (it may be unused), and remove fields only by reserving their numbers',
  FIELD_KIND_CHANGED: `keep the field's kind (scalar, message, enum, map), ${NEW_VERSION}`,
  FIELD_SCALAR_KIND_CHANGED: `keep the scalar type, or change only within a wire-compatible group (int32/uint32/int64/uint64/bool, sint32/sint64, fixed32/sfixed32, fixed64/sfixed64, string/bytes), ${NEW_VERSION}`,
  FIELD_NAMED_TYPE_CHANGED: `keep the field's message or enum type, ${NEW_VERSION}`,
  REQUIRED_FIELD_ADDED: 'add the field as optional (proto2 "optional"), not "required"',
  REQUIRED_FIELD_REMOVED: 'keep the required field',
  ONEOF_FIELD_REMOVED: 'keep the field in its oneof',
  MULTIPLE_FIELDS_MOVED_TO_ONEOF: 'move at most one existing field into a new oneof; add new fields to it instead',
  FIELD_MOVED_TO_EXISTING_ONEOF: 'leave existing fields out of an existing oneof; add new fields to it instead',
  PACKAGE_CHANGED: `keep the package, ${NEW_VERSION}`,
  FIELD_NUMERIC_LABEL_CHANGED: 'keep the field repeated or singular as it was',
  FIELD_STRING_OR_BYTES_LABEL_CHANGED: 'keep the field repeated or singular as it was',
  FIELD_ONEOF_CHANGED: 'keep the field in the oneof it was in',
};

export function describe(format: SchemaFormat, c: Change, direction: 'backward' | 'forward'): Said {
  const words = c.type.toLowerCase().replace(/_/g, ' ');
  const where = c.path && c.path !== '#/' && c.path !== '/' ? ` at ${c.path}` : '';
  const who =
    direction === 'backward'
      ? 'consumers on the new schema cannot read data written with the earlier one'
      : 'consumers still on the earlier schema cannot read data written with the new one';
  const message = `${direction}: ${c.type}${where}${c.detail ? ` (${c.detail})` : ''}: ${who}`;
  const keyword = KEYWORD.exec(c.type);
  let hint = HINTS[c.type];
  if (!hint && keyword) {
    hint = `keep the earlier ${keyword[1]?.toLowerCase().replace(/_/g, ' ')} (loosening a constraint is fine, tightening or adding one is not), ${NEW_VERSION}`;
  }
  hint ??=
    format === 'AVRO'
      ? `add fields with defaults instead of changing or removing them, ${NEW_VERSION}`
      : `undo the ${words}, ${NEW_VERSION}`;
  return { message, hint };
}
