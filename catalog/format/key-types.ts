// Plain key types, apart from the zod shapes so that building the model does not load zod.

/** Plain key types a topic may use instead of a key schema file. */
export const PLAIN_KEY_TYPES = ['string', 'long', 'int', 'uuid', 'bytes', 'none'] as const;
