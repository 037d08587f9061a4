// The Confluent wire format, with a stub registry that knows one id per subject: magic byte,
// big-endian id, (Protobuf) message indexes, then the payload.
import avro from 'avsc';
import { Codec } from '../../../clientapp/codec';
import type { CodecRegistry } from '../../../clientapp/codec';
import { SchemaValidationError, UnknownSchemaError } from '../../../clientapp/errors';
import { topics } from '../../../clientapp/generated/topics';
import { sampleEvents } from '../../../clientapp/samples';
import type { RegisteredSchema } from '../../../reconciler/cluster/registry';

const ORDER_CREATED = 'orders.order-created.v1';

/** The avsc type of a topic's Avro schema and its references. */
function avroType(topic: (typeof topics)[typeof ORDER_CREATED]): avro.Type {
  const registry = {};
  for (const ref of Object.values(topic.referenced)) {
    avro.Type.forSchema(JSON.parse(ref.text) as avro.Schema, { registry });
  }
  return avro.Type.forSchema(JSON.parse(topic.value.text) as avro.Schema, { registry });
}

/** A registry that knows one id per subject, and version 1 of order-created's references. */
function stubRegistry(ids: Record<string, number>): CodecRegistry {
  const orderCreated = topics[ORDER_CREATED];
  const registered = (subject: string, source: typeof orderCreated.value): RegisteredSchema => ({
    subject,
    version: 1,
    id: ids[subject] ?? 0,
    schema: source.text,
    schemaType: source.format,
    references: source.references.map((r) => ({ ...r, version: 1 })),
  });
  return {
    latest: async (subject) => {
      const id = ids[subject];
      return id === undefined ? undefined : { ...registered(subject, orderCreated.value), id };
    },
    schemaById: async (id) =>
      id === ids[`${ORDER_CREATED}-value`]
        ? registered(`${ORDER_CREATED}-value`, orderCreated.value)
        : undefined,
    version: async (subject, version) => {
      const source = orderCreated.referenced[subject as keyof typeof orderCreated.referenced];
      return source && version === 1 ? registered(subject, source) : undefined;
    },
  };
}

const codec = new Codec(
  stubRegistry({
    'payments.payment-authorized.v1-value': 7,
    'shipping.shipment-dispatched.v1-value': 300,
    [`${ORDER_CREATED}-value`]: 70000,
  }),
  { registryUrl: 'http://registry.test' },
);

describe('clientapp codec', () => {
  it('frames JSON Schema values as magic byte + schema id + JSON', async () => {
    const topic = topics['payments.payment-authorized.v1'];
    const value = sampleEvents('payments.payment-authorized.v1', 1, 'u')[0]!.value;
    const bytes = await codec.encode(topic, value);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(7);
    expect(JSON.parse(bytes.subarray(5).toString())).toEqual(value);
    expect(await codec.decode(topic, bytes)).toEqual(value);
  });

  it('validates JSON Schema values, $refs included, before encoding', async () => {
    const topic = topics['payments.payment-authorized.v1'];
    const value = sampleEvents('payments.payment-authorized.v1', 1, 'u')[0]!.value;
    const wrong = { ...value, amount: { ...value.amount, currency: 'euro' } };
    await expect(codec.encode(topic, wrong)).rejects.toBeInstanceOf(SchemaValidationError);
    await expect(codec.encode(topic, wrong)).rejects.toThrow(
      /\/amount\/currency must match pattern/,
    );
  });

  it('writes Protobuf with the message-index byte and reads it back', async () => {
    const topic = topics['shipping.shipment-dispatched.v1'];
    const value = sampleEvents('shipping.shipment-dispatched.v1', 3, 'u')[2]!.value;
    const bytes = await codec.encode(topic, value);
    expect(bytes.readInt32BE(1)).toBe(300);
    expect(bytes[5]).toBe(0); // message indexes: the first message of the schema
    expect(await codec.decode(topic, bytes)).toEqual(value);
  });

  it('encodes Avro batches side by side without one message overwriting another', async () => {
    const topic = topics[ORDER_CREATED];
    const type = avroType(topic);
    const encode = await codec.encoder(topic);
    // 600 × ~1 KB crosses several 256 KB chunks; one 600 KB value needs a chunk of its own.
    const values = sampleEvents(ORDER_CREATED, 601, 'a').map((e, i) => ({
      ...e.value,
      note: (i === 300 ? 'y' : 'x').repeat(i === 300 ? 600_000 : 1000) + i,
    }));
    const encoded = values.map((v) => encode(v));
    encoded.forEach((bytes, i) => {
      expect(bytes[0]).toBe(0);
      expect(bytes.readInt32BE(1)).toBe(70000);
      expect(type.fromBuffer(bytes.subarray(5))).toEqual(values[i]);
    });
    expect(new Set(encoded.map((b) => b.buffer)).size).toBeGreaterThan(2);
  });

  it('rejects an Avro value that does not match its schema, naming the field', async () => {
    const topic = topics[ORDER_CREATED];
    const value = sampleEvents(ORDER_CREATED, 1, 'a')[0]!.value;
    const encode = await codec.encoder(topic);
    expect(() => encode({ ...value, customerId: 42 } as never)).toThrow(SchemaValidationError);
    expect(() => encode({ ...value, customerId: 42 } as never)).toThrow(/: customerId$/);
  });

  it('names an Avro schema id the registry does not know, and how a local stack gets there', async () => {
    const bytes = Buffer.from([0, 0, 0, 0, 11, 2, 65]);
    await expect(codec.decode(topics[ORDER_CREATED], bytes)).rejects.toThrow(
      'a message on orders.order-created.v1 cannot be decoded: its schema id 11 is unknown to ' +
        'the registry at http://registry.test (was the registry emptied while the topic kept ' +
        'its data? locally: npm run local:up -- --fresh)',
    );
  });

  it('refuses bytes that are not in the wire format', async () => {
    const topic = topics['payments.payment-authorized.v1'];
    await expect(codec.decode(topic, Buffer.from('{"a":1}'))).rejects.toThrow(
      /cannot be decoded: not in the Confluent wire format/,
    );
  });

  it('names the unregistered subject and what to do', async () => {
    const topic = topics['payments.refund-issued.v1'];
    const value = sampleEvents('payments.refund-issued.v1', 1, 'u')[0]!.value;
    const encoding = codec.encode(topic, value);
    await expect(encoding).rejects.toBeInstanceOf(UnknownSchemaError);
    await expect(encoding).rejects.toThrow(
      'schema subject payments.refund-issued.v1-value is not registered in http://registry.test: ' +
        'run the reconciler / apply the catalog (npm start), then regenerate types if it changed',
    );
  });
});
