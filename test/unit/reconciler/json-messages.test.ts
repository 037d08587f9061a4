// The reconciler's JSON Schema messages: the Confluent wire format, checked against the schema
// the id names (formats included), with referenced schemas loaded from the registry.
import {
  JsonSchemaMessages,
  JsonSchemaValidationError,
} from '../../../reconciler/cluster/json-messages';
import type { JsonMessagesRegistry } from '../../../reconciler/cluster/json-messages';
import { wireFormat } from '../../../reconciler/cluster/registry';
import type { RegisteredSchema } from '../../../reconciler/cluster/registry';

const money = {
  type: 'object',
  properties: { currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
};
const event = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { at: { type: 'string', format: 'date-time' }, amount: { $ref: 'money.json' } },
  required: ['at'],
};
const schemas: Record<string, RegisteredSchema> = {
  'events-value': {
    subject: 'events-value',
    version: 3,
    id: 41,
    schema: JSON.stringify(event),
    schemaType: 'JSON',
    references: [{ name: 'money.json', subject: 'money', version: 1 }],
  },
  money: {
    subject: 'money',
    version: 1,
    id: 40,
    schema: JSON.stringify(money),
    schemaType: 'JSON',
    references: [],
  },
};
const registry: JsonMessagesRegistry = {
  latest: async (subject) => schemas[subject],
  version: async (subject, version) =>
    schemas[subject]?.version === version ? schemas[subject] : undefined,
  schemaById: async (id) => Object.values(schemas).find((s) => s.id === id),
};

describe('JsonSchemaMessages', () => {
  const messages = new JsonSchemaMessages(registry);
  const value = { at: '2026-01-01T00:00:00Z', amount: { currency: 'EUR' } };

  test('writes magic byte, schema id, JSON; reads it back', async () => {
    const id = await messages.latestId('events-value');
    const bytes = await messages.encode(id, value);
    expect(wireFormat.schemaId(bytes)).toBe(41);
    expect(JSON.parse(wireFormat.payload(bytes).toString('utf8'))).toEqual(value);
    expect(await messages.decode(bytes)).toEqual(value);
  });

  test('refuses a value that breaks the schema, a format or a referenced schema', async () => {
    await expect(messages.encode(41, { ...value, at: 'yesterday' })).rejects.toThrow(
      JsonSchemaValidationError,
    );
    await expect(messages.encode(41, { ...value, amount: { currency: 'eur' } })).rejects.toThrow(
      /\/amount\/currency must match pattern/,
    );
  });

  test('an unknown subject or id, and bytes not in the wire format, are errors', async () => {
    await expect(messages.latestId('nope')).rejects.toThrow(/nope is not registered/);
    await expect(messages.decode(wireFormat.header(7))).rejects.toThrow(/schema 7 not found/);
    await expect(messages.decode(Buffer.from('{}'))).rejects.toThrow(/wire format/);
  });

  test('plain JSON (written without the registry) is checked against the schema given for it', async () => {
    const plain = JSON.stringify(money);
    const bytes = Buffer.from(JSON.stringify({ currency: 'EUR' }));
    expect(await messages.decode(bytes, plain)).toEqual({ currency: 'EUR' });
    const wrong = messages.decode(Buffer.from(JSON.stringify({ currency: 'eur' })), plain);
    await expect(wrong).rejects.toThrow(JsonSchemaValidationError);
    await expect(wrong).rejects.toThrow(/its topic's schema: \/currency must match pattern/);
    // A framed message is still checked against the schema its id names, not the plain one.
    expect(await messages.decode(await messages.encode(41, value), plain)).toEqual(value);
  });
});
