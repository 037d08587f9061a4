// The Confluent-compatible API of the local Apicurio Registry, driven by the same client our
// apps use (@kafkajs/confluent-schema-registry).
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { localStack, topicPrefix } from '../support/local';

const subject = `${topicPrefix(__filename)}orders-value`;

const v1 = {
  type: 'record',
  name: 'Order',
  namespace: 'it.streamplane',
  fields: [{ name: 'id', type: 'string' }],
};

describe('local schema registry (Confluent API)', () => {
  const registry = new SchemaRegistry({ host: localStack().registryUrl });

  it('registers a schema and fetches it by id', async () => {
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
      { subject },
    );
    expect(id).toBeGreaterThan(0);

    // A fresh client has no cache, so this really fetches /schemas/ids/{id}.
    const reader = new SchemaRegistry({ host: localStack().registryUrl });
    const fetched = (await reader.getSchema(id)) as unknown as { name?: string };
    expect(fetched.name).toBe('it.streamplane.Order');
    const encoded = await registry.encode(id, { id: 'o-1' });
    expect(await reader.decode(encoded)).toEqual({ id: 'o-1' });
  });

  it('gives an identical schema with different formatting the same id (canonical hashing)', async () => {
    const a = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
      { subject },
    );
    const b = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1, null, 4) },
      { subject },
    );
    expect(b.id).toBe(a.id);
  });

  it('enforces BACKWARD compatibility by default: an incompatible version is refused with 409', async () => {
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
    const incompatible = {
      ...v1,
      fields: [...v1.fields, { name: 'amount', type: 'int' }], // new field without a default
    };
    await expect(
      registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(incompatible) },
        { subject },
      ),
    ).rejects.toMatchObject({ status: 409 });

    const compatible = {
      ...v1,
      fields: [...v1.fields, { name: 'amount', type: 'int', default: 0 }],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(compatible) },
      { subject },
    );
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
  });

  it('reports the enforced global compatibility level', async () => {
    const res = await fetch(`${localStack().registryUrl}/config`);
    expect(await res.json()).toEqual({ compatibilityLevel: 'BACKWARD' });
  });
});
