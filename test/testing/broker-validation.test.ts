import { status } from '@grpc/grpc-js';
import avro from 'avsc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedBroker } from '../../src/testing/index.js';
import {
  call,
  callError,
  producerRequest,
  streamMessage,
  type RawClients,
  closeBroker,
  openBroker,
} from './broker-helpers.js';

const USER_AVRO = {
  type: 'record',
  name: 'User',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
};

/** An Avro object container holding `records`, written with `schema` (avsc BlockEncoder). */
function avroContainer(schema: unknown, records: unknown[], codec = 'null'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const encoder = new avro.streams.BlockEncoder(schema as avro.Schema, { codec });
    const chunks: Buffer[] = [];
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    encoder.on('error', reject);
    for (const record of records) encoder.write(record);
    encoder.end();
  });
}

function double(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(value);
  return buffer;
}

describe('embedded broker: schema references and validation policies', () => {
  let broker: EmbeddedBroker;
  let clients: RawClients;

  beforeEach(async () => {
    ({ broker, clients } = await openBroker());
  });

  afterEach(async () => {
    await closeBroker({ broker, clients });
  });

  async function register(subject: string, type: string, definition: string) {
    return call<{ schema_id: string; version: number }>(clients.registry, 'RegisterSchema', {
      subject,
      schema_type: type,
      schema_definition: Buffer.from(definition),
    });
  }

  async function producerOn(topic: string, subject?: string): Promise<string> {
    const ref = subject === undefined ? {} : { schema_ref: { subject, use_latest: true } };
    const response = await call<{ producer_id: string }>(
      clients.producer,
      'CreateProducer',
      producerRequest(topic, 'p', ref),
    );
    return response.producer_id;
  }

  async function configure(topic: string, subject: string, policy: string, payload: boolean) {
    return call(clients.registry, 'ConfigureTopicSchema', {
      topic_name: topic,
      schema_subject: subject,
      validation_policy: policy,
      enable_payload_validation: payload,
    });
  }

  describe('schema references on CreateProducer', () => {
    it('refuses an unregistered subject with FAILED_PRECONDITION and creates no topic', async () => {
      const error = await callError(
        clients.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p', { schema_ref: { subject: 'nope', use_latest: true } }),
      );
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      expect(error.details).toContain("Schema subject 'nope' not found in registry");
      expect(broker.topics()).toEqual([]);
    });

    it('refuses a pinned version that does not exist and a minimum above the latest', async () => {
      await register('s', 'string', '');
      const pinned = await callError(
        clients.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p', { schema_ref: { subject: 's', pinned_version: 2 } }),
      );
      expect(pinned.code).toBe(status.FAILED_PRECONDITION);
      const minimum = await callError(
        clients.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p', { schema_ref: { subject: 's', min_version: 3 } }),
      );
      expect(minimum.code).toBe(status.FAILED_PRECONDITION);
      await call(
        clients.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p', { schema_ref: { subject: 's', pinned_version: 1 } }),
      );
    });

    it('assigns the subject to the topic and refuses another subject with FAILED_PRECONDITION', async () => {
      await register('a', 'string', '');
      await register('b', 'string', '');
      await producerOn('/default/t', 'a');
      const config = await call<Record<string, unknown>>(clients.registry, 'GetTopicSchemaConfig', {
        topic_name: '/default/t',
      });
      expect(config).toMatchObject({
        schema_subject: 'a',
        validation_policy: 'warn',
        enable_payload_validation: false,
      });
      const error = await callError(
        clients.producer,
        'CreateProducer',
        producerRequest('/default/t', 'q', { schema_ref: { subject: 'b', use_latest: true } }),
      );
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      expect(error.details).toContain("uses schema subject 'a', cannot use 'b'");
    });
  });

  describe('topic schema configuration', () => {
    it('needs an existing topic and subject, and a known policy', async () => {
      await register('s', 'string', '');
      expect(
        (await callError(clients.registry, 'GetTopicSchemaConfig', { topic_name: '/default/x' }))
          .code,
      ).toBe(status.NOT_FOUND);
      await producerOn('/default/t');
      const badPolicy = await callError(clients.registry, 'ConfigureTopicSchema', {
        topic_name: '/default/t',
        schema_subject: 's',
        validation_policy: 'strict',
      });
      expect(badPolicy.code).toBe(status.INVALID_ARGUMENT);
      const badSubject = await callError(clients.registry, 'ConfigureTopicSchema', {
        topic_name: '/default/t',
        schema_subject: 'zz',
        validation_policy: 'enforce',
      });
      expect(badSubject.code).toBe(status.NOT_FOUND);
      const noSubject = await callError(clients.registry, 'UpdateTopicValidationPolicy', {
        topic_name: '/default/t',
        validation_policy: 'enforce',
      });
      expect(noSubject.code).toBe(status.FAILED_PRECONDITION);
      await configure('/default/t', 's', 'ENFORCE', true);
      await call(clients.registry, 'UpdateTopicValidationPolicy', {
        topic_name: '/default/t',
        validation_policy: 'warn',
        enable_payload_validation: false,
      });
      expect(
        await call(clients.registry, 'GetTopicSchemaConfig', { topic_name: '/default/t' }),
      ).toEqual({
        schema_subject: 's',
        validation_policy: 'warn',
        enable_payload_validation: false,
        schema_id: '0', // Danube v0.15 never fills it in
      });
    });
  });

  describe('policies', () => {
    it('none accepts messages without schema ids', async () => {
      await register('s', 'string', '');
      const id = await producerOn('/default/t');
      await configure('/default/t', 's', 'none', true);
      await call(
        clients.producer,
        'SendMessage',
        streamMessage(id, '/default/t', Buffer.from([0xff])),
      );
      expect(broker.messages('/default/t')).toHaveLength(1);
    });

    it('warn accepts a message without schema id and counts a warning; enforce refuses it', async () => {
      await register('s', 'string', '');
      const id = await producerOn('/default/t', 's');
      await call(clients.producer, 'SendMessage', streamMessage(id, '/default/t', 'no id'));
      expect(broker.stats().validationWarnings).toBe(1);
      await configure('/default/t', 's', 'enforce', false);
      const error = await callError(
        clients.producer,
        'SendMessage',
        streamMessage(id, '/default/t', 'no id'),
      );
      expect(error.code).toBe(status.PERMISSION_DENIED);
      expect(error.details).toMatch(/^Unable to publish the message: Message missing schema_id/);
      expect(broker.messages('/default/t')).toHaveLength(1);
    });

    it('enforce refuses a schema id of another subject and any message on a topic without subject', async () => {
      const { schema_id: otherId } = await register('other', 'string', '');
      await register('s', 'string', '');
      const id = await producerOn('/default/t', 's');
      await configure('/default/t', 's', 'enforce', false);
      const error = await callError(
        clients.producer,
        'SendMessage',
        streamMessage(id, '/default/t', 'x', { schema_id: otherId, schema_version: 1 }),
      );
      expect(error.code).toBe(status.PERMISSION_DENIED);
      expect(error.details).toContain('Schema subject mismatch');
    });
  });

  describe('payload validation under enforce', () => {
    async function enforced(type: string, definition: string) {
      const { schema_id, version } = await register('subj', type, definition);
      const id = await producerOn('/default/t', 'subj');
      await configure('/default/t', 'subj', 'enforce', true);
      const send = (payload: string | Buffer) =>
        call(
          clients.producer,
          'SendMessage',
          streamMessage(id, '/default/t', payload, { schema_id, schema_version: version }),
        );
      const refused = (payload: string | Buffer) =>
        callError(
          clients.producer,
          'SendMessage',
          streamMessage(id, '/default/t', payload, { schema_id, schema_version: version }),
        );
      return { send, refused };
    }

    it('json_schema: JSON valid against the schema (draft 2020-12 too)', async () => {
      const schema = JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { id: { type: 'integer' } },
        required: ['id'],
      });
      const { send, refused } = await enforced('json_schema', schema);
      await send('{"id": 1}');
      const invalid = await refused('{"id": "one"}');
      expect(invalid.code).toBe(status.PERMISSION_DENIED);
      expect(invalid.details).toContain('Payload validation failed: JSON Schema validation failed');
      expect((await refused('not json')).details).toContain('Invalid JSON data');
      expect(broker.messages('/default/t')).toHaveLength(1);
    });

    it('string: valid UTF-8 only', async () => {
      const { send, refused } = await enforced('string', '');
      await send('héllo');
      expect((await refused(Buffer.from([0xc3, 0x28]))).details).toContain('Invalid UTF-8 string');
    });

    it('number: exactly 4 or 8 bytes', async () => {
      const { send, refused } = await enforced('number', '');
      await send(double(1.5));
      await send(Buffer.alloc(4));
      expect((await refused('42')).details).toContain('expected 4 or 8 bytes, got 2');
    });

    it('avro: an object container whose schema resolves to the registered one', async () => {
      const { send, refused } = await enforced('avro', JSON.stringify(USER_AVRO));
      await send(await avroContainer(USER_AVRO, [{ id: 1, name: 'a' }]));
      await send(
        await avroContainer(
          USER_AVRO,
          [
            { id: 2, name: 'b' },
            { id: 3, name: 'c' },
          ],
          'deflate',
        ),
      );
      expect((await refused('{"id":1,"name":"a"}')).details).toContain('Avro validation failed');
      const other = { type: 'record', name: 'User', fields: [{ name: 'other', type: 'int' }] };
      expect((await refused(await avroContainer(other, [{ other: 1 }]))).details).toContain(
        'Avro validation failed',
      );
      expect((await refused(Buffer.alloc(0))).details).toContain('Avro validation failed');
      expect(broker.messages('/default/t')).toHaveLength(2);
    });

    it('bytes: anything', async () => {
      const { send } = await enforced('bytes', '');
      await send(Buffer.from([0, 1, 2, 255]));
      expect(broker.messages('/default/t')).toHaveLength(1);
    });

    it('under warn, payload validation still refuses a bad payload (as the real broker does)', async () => {
      const { schema_id } = await register('subj', 'number', '');
      const id = await producerOn('/default/t', 'subj');
      await configure('/default/t', 'subj', 'warn', true);
      const error = await callError(
        clients.producer,
        'SendMessage',
        streamMessage(id, '/default/t', '42', { schema_id, schema_version: 1 }),
      );
      expect(error.code).toBe(status.PERMISSION_DENIED);
    });
  });
});
