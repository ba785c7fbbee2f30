import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DanubeClient, type RegisterSchemaRequest } from '../../src/client/index.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import { FAST_RETRY, danubeErrorOf, receive, uniqueTopic } from './core-suite.js';

const V1 = JSON.stringify({
  type: 'object',
  properties: { id: { type: 'integer' } },
  required: ['id'],
});
const V2 = JSON.stringify({
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' } },
  required: ['id'],
});
/** Adds a required field: not backward compatible with V2. */
const INCOMPATIBLE = JSON.stringify({
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, zone: { type: 'string' } },
  required: ['id', 'zone'],
});

/** The first version of `orders`, with every optional field set: all of it comes back. */
const ORDERS_V1 = {
  subject: 'orders',
  schemaType: 'json_schema',
  definition: V1,
  description: 'first',
  createdBy: 'tests',
  tags: ['t1'],
} satisfies RegisterSchemaRequest;

describe('SchemaRegistryClient against the embedded broker', () => {
  let broker: EmbeddedBroker;
  let client: DanubeClient;
  let schemaId: string;

  beforeAll(async () => {
    broker = await startBroker();
    client = await DanubeClient.connect({ serviceUrl: broker.url, retry: FAST_RETRY });
    const first = await client.schemas.register(ORDERS_V1);
    const second = await client.schemas.register({
      subject: 'orders',
      schemaType: 'json_schema',
      definition: Buffer.from(V2),
    });
    expect(first).toMatchObject({ version: 1, isNewVersion: true });
    expect(second).toMatchObject({ version: 2, isNewVersion: true, schemaId: first.schemaId });
    schemaId = first.schemaId;
  });

  afterAll(async () => {
    await client?.close();
    await broker?.close();
  });

  it('returns the existing version for an identical definition', async () => {
    const again = await client.schemas.register({
      subject: 'orders',
      schemaType: 'json_schema',
      definition: V2,
    });
    expect(again).toMatchObject({ schemaId, version: 2, isNewVersion: false });
  });

  it('returns definitions unwrapped, by id and version or latest', async () => {
    const v1 = await client.schemas.getSchema(schemaId, 1);
    expect(v1).toMatchObject({ schemaId, version: 1, ...ORDERS_V1 });
    expect(v1.createdAt).toBeInstanceOf(Date);
    expect((await client.schemas.getLatest('orders')).definition).toBe(V2);
    expect((await client.schemas.getSchema(schemaId)).version).toBe(2);
  });

  it('unwraps the bare type names of string/bytes/number schemas to an empty definition', async () => {
    await client.schemas.register({ subject: 'plain-text', schemaType: 'string', definition: '' });
    const latest = await client.schemas.getLatest('plain-text');
    expect(latest).toMatchObject({ schemaType: 'string', definition: '' });
  });

  it('lists versions oldest first', async () => {
    const versions = await client.schemas.listVersions('orders');
    expect(versions.map((v) => [v.version, v.schemaId])).toEqual([
      [1, schemaId],
      [2, schemaId],
    ]);
  });

  it('resolves latest, pinned and minimum strategies', async () => {
    expect((await client.schemas.resolve('orders', 'latest')).version).toBe(2);
    expect((await client.schemas.resolve('orders', { pinned: 1 })).definition).toBe(V1);
    expect((await client.schemas.resolve('orders', { minimum: 2 })).version).toBe(2);
  });

  it('explains when no version satisfies the strategy', async () => {
    const pinned = await danubeErrorOf(client.schemas.resolve('orders', { pinned: 9 }));
    expect(pinned.kind).toBe('schema');
    expect(pinned.message).toMatch(/"orders" has no version 9 \(latest is 2\)/);
    const minimum = await danubeErrorOf(client.schemas.resolve('orders', { minimum: 3 }));
    expect(minimum.message).toMatch(/"orders" has no version >= 3 \(latest is 2\)/);
    const missing = await danubeErrorOf(client.schemas.resolve('nope', 'latest'));
    expect(missing.kind).toBe('not_found');
    expect(missing.message).toContain('nope');
  });

  it('refuses an incompatible registration with kind schema and the registry reasons', async () => {
    const check = await client.schemas.checkCompatibility({
      subject: 'orders',
      schemaType: 'json_schema',
      definition: INCOMPATIBLE,
    });
    expect(check.compatible).toBe(false);
    expect(check.errors.length).toBeGreaterThan(0);
    const error = await danubeErrorOf(
      client.schemas.register({
        subject: 'orders',
        schemaType: 'json_schema',
        definition: INCOMPATIBLE,
      }),
    );
    expect(error.kind).toBe('schema');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/zone/);
  });

  it('sets the compatibility mode of a subject', async () => {
    await client.schemas.register({ subject: 'loose', schemaType: 'json_schema', definition: V2 });
    await client.schemas.setCompatibilityMode('loose', 'none');
    const registered = await client.schemas.register({
      subject: 'loose',
      schemaType: 'json_schema',
      definition: INCOMPATIBLE,
    });
    expect(registered.version).toBe(2);
    const subjects = await client.schemas.listSubjects();
    expect(subjects.find((s) => s.subject === 'loose')).toMatchObject({
      compatibilityMode: 'none',
      latestVersion: 2,
      schemaType: 'json_schema',
    });
    await client.schemas.deleteVersion('loose', 1);
    expect((await client.schemas.listVersions('loose')).map((v) => v.version)).toEqual([2]);
  });

  it('configures a topic schema and validation policy', async () => {
    const topic = uniqueTopic('default', 'validated');
    const producer = await client.createProducer({
      topic,
      name: 'v',
      schema: { subject: 'orders' },
    });
    await client.schemas.configureTopicSchema({
      topic,
      subject: 'orders',
      validationPolicy: 'warn',
      payloadValidation: false,
    });
    expect(await client.schemas.getTopicSchemaConfig(topic)).toEqual({
      subject: 'orders',
      validationPolicy: 'warn',
      payloadValidation: false,
      schemaId: '0', // what Danube v0.15 answers
    });
    await client.schemas.updateTopicValidationPolicy({
      topic,
      validationPolicy: 'enforce',
      payloadValidation: true,
    });
    expect(await client.schemas.getTopicSchemaConfig(topic)).toMatchObject({
      validationPolicy: 'enforce',
      payloadValidation: true,
    });
    await producer.close();
  });

  it('stamps a pinned version on every message', async () => {
    const topic = uniqueTopic('default', 'pinned');
    const producer = await client.createProducer({
      topic,
      name: 'pinned',
      schema: { subject: 'orders', version: { pinned: 1 } },
    });
    expect(producer.schema).toEqual({ subject: 'orders', schemaId, version: 1 });
    const consumer = await client.subscribe({ topic, subscription: 'pinned' });
    await producer.send(Buffer.from('{"id":1}'));
    await producer.send(Buffer.from('{"id":2}'));
    const received = await receive(consumer, 2);
    expect(received.map((m) => [m.schemaId, m.schemaVersion])).toEqual([
      [schemaId, 1],
      [schemaId, 1],
    ]);
  });

  it('refuses a producer whose minimum version does not exist', async () => {
    const error = await danubeErrorOf(
      client.createProducer({
        topic: uniqueTopic('default', 'minimum'),
        name: 'm',
        schema: { subject: 'orders', version: { minimum: 5 } },
      }),
    );
    expect(error.kind).toBe('schema');
    expect(error.message).toContain('orders');
  });
});
