import { createHash, randomUUID } from 'node:crypto';
import { status, type Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  callError,
  producerRequest,
  rawClients,
  receive,
  streamMessage,
  type MessageStream,
  type RawClients,
  type ReceivedMsg,
} from './broker-helpers.js';

/** The broker a wire suite runs against (embedded, or real through DANUBE_BROKER_URL). */
export interface WireSuiteTarget {
  /** Plain-text service URL (`http://host:port`), read when the suite starts. */
  url: () => string;
  /** A namespace that exists on the broker. */
  namespace: string;
}

const FOUR_MIB = 4 * 1024 * 1024;

const json = (value: unknown): string => JSON.stringify(value);

/** `sha256:<hex>`, the registry's fingerprint form. */
function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** Expects `method` to fail with `code` and, when given, exactly `details` (or a match). */
async function expectStatus(
  client: Client,
  method: string,
  request: unknown,
  code: status,
  details?: string | RegExp,
): Promise<void> {
  const error = await callError(client, method, request);
  expect({ code: status[error.code], details: error.details }).toMatchObject({
    code: status[code],
    ...(typeof details === 'string' && { details }),
  });
  if (details instanceof RegExp) expect(error.details).toMatch(details);
}

/**
 * What the real Danube broker (v0.15) answers on the wire, asserted with raw gRPC calls, so
 * the same assertions run against the embedded broker (`npm test`) and a real one
 * (`test/client/real-broker.test.ts`). Only behaviour both share is here; the embedded
 * broker's deliberate differences are tested in its own files and listed in docs/testing.md.
 * Every name is unique per run: a real broker keeps topics and subjects between runs.
 */
export function defineWireConformanceTests(target: WireSuiteTarget): void {
  let clients: RawClients;
  const ns = target.namespace;
  const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
  const topicName = (prefix: string): string => `/${ns}/${unique(prefix)}`;

  beforeAll(() => {
    clients = rawClients(target.url());
  });

  afterAll(() => {
    clients?.close();
  });

  async function producerOn(
    topic: string,
    name = 'p',
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const response = await call<{ producer_id: string }>(
      clients.producer,
      'CreateProducer',
      producerRequest(topic, name, { dispatch_strategy: 'Reliable', ...extra }),
    );
    return response.producer_id;
  }

  function send(
    producerId: string,
    topic: string,
    payload: string | Buffer,
    extra: Record<string, unknown> = {},
  ): Promise<{ request_id: string }> {
    return call(clients.producer, 'SendMessage', streamMessage(producerId, topic, payload, extra));
  }

  async function subscribe(topic: string, subscription: string, name: string): Promise<string> {
    const response = await call<{ consumer_id: string }>(clients.consumer, 'Subscribe', {
      request_id: '1',
      topic_name: topic,
      consumer_name: name,
      subscription,
      subscription_type: 'Exclusive',
      key_filters: [],
    });
    return response.consumer_id;
  }

  function ackRequest(message: ReceivedMsg, subscription: string): Record<string, unknown> {
    return { request_id: '1', msg_id: message.msg_id, subscription_name: subscription };
  }

  async function health(client: 'Producer' | 'Consumer', id: string): Promise<string> {
    const response = await call<{ status: string }>(clients.health, 'HealthCheck', {
      request_id: '1',
      client,
      id,
    });
    return response.status;
  }

  /** The broker notices a cancelled stream on its own time: ask until the consumer is CLOSE. */
  async function disconnected(consumerId: string): Promise<void> {
    for (let attempt = 0; attempt < 2_000; attempt++) {
      if ((await health('Consumer', consumerId)) === 'CLOSE') return;
    }
    throw new Error(`consumer ${consumerId} still OK after its stream was cancelled`);
  }

  async function register(
    subject: string,
    type: string,
    definition: string,
  ): Promise<{ schema_id: string; version: number; is_new_version: boolean; fingerprint: string }> {
    return call(clients.registry, 'RegisterSchema', {
      subject,
      schema_type: type,
      schema_definition: Buffer.from(definition),
      description: '',
      created_by: 'wire-suite',
      tags: [],
    });
  }

  describe('topics and producers', () => {
    it('refuses malformed topic names with INVALID_ARGUMENT on lookup and CreateProducer', async () => {
      for (const topic of ['/default/bad name!', `/${ns}/a/b`, 'no-slash']) {
        const details = `The topic: ${topic} has an invalid format, should be: /namespace_name/topic_name`;
        await expectStatus(
          clients.discovery,
          'TopicLookup',
          { request_id: '1', topic },
          status.INVALID_ARGUMENT,
          details,
        );
        await expectStatus(
          clients.producer,
          'CreateProducer',
          producerRequest(topic, 'p'),
          status.INVALID_ARGUMENT,
          details,
        );
      }
    });

    it('answers lookup NOT_FOUND for a topic that does not exist yet, Connect once a producer created it', async () => {
      const topic = topicName('lookup');
      await expectStatus(
        clients.discovery,
        'TopicLookup',
        { request_id: '1', topic },
        status.NOT_FOUND,
        `Unable to find the requested topic: ${topic}`,
      );
      expect(await call(clients.discovery, 'TopicPartitions', { request_id: '3', topic })).toEqual({
        request_id: '3',
        partitions: [],
      });
      await producerOn(topic);
      const lookup = await call<Record<string, unknown>>(clients.discovery, 'TopicLookup', {
        request_id: '9',
        topic,
      });
      expect(lookup).toMatchObject({ request_id: '9', response_type: 'Connect', proxy: false });
      expect(lookup['connect_url']).toBe(lookup['broker_url']);
      expect(lookup['connect_url']).toMatch(/^http:\/\/[^/]+:\d+$/);
      expect(await call(clients.discovery, 'TopicPartitions', { request_id: '4', topic })).toEqual({
        request_id: '4',
        partitions: [topic],
      });
    });

    it('takes Unicode letters and digits in topic names', async () => {
      const topic = topicName('café-٣');
      await producerOn(topic);
      expect(
        await call(clients.discovery, 'TopicLookup', { request_id: '1', topic }),
      ).toMatchObject({ response_type: 'Connect' });
    });

    it('answers UNAVAILABLE naming a namespace that does not exist', async () => {
      const namespace = unique('nons').replace('-', '');
      await expectStatus(
        clients.producer,
        'CreateProducer',
        producerRequest(`/${namespace}/t`, 'p'),
        status.UNAVAILABLE,
        `Unable to find the namespace ${namespace}, the topic can be created only for an exisiting namespace`,
      );
    });

    it('is idempotent by producer name and refuses another dispatch strategy or an unknown one', async () => {
      const topic = topicName('producers');
      const id = await producerOn(topic, 'a');
      expect(await producerOn(topic, 'a')).toBe(id);
      expect(await producerOn(topic, 'b')).not.toBe(id);
      for (const name of ['a', 'c']) {
        await expectStatus(
          clients.producer,
          'CreateProducer',
          producerRequest(topic, name, { dispatch_strategy: 'NonReliable' }),
          status.FAILED_PRECONDITION,
          'Producer requested dispatch strategy does not match topic strategy',
        );
      }
      await expectStatus(
        clients.producer,
        'CreateProducer',
        producerRequest(topicName('strategy'), 'p', { dispatch_strategy: 5 }),
        status.INVALID_ARGUMENT,
        'Dispatch strategy is missing',
      );
    });

    it('keeps a topic and its partition topics apart (ALREADY_EXISTS) and lists partitions', async () => {
      const parted = topicName('parted');
      await producerOn(`${parted}-part-0`, 'p-0');
      await producerOn(`${parted}-part-2`, 'p-2');
      expect(
        await call(clients.discovery, 'TopicPartitions', { request_id: '1', topic: parted }),
      ).toMatchObject({ partitions: [`${parted}-part-0`, `${parted}-part-2`] });
      await expectStatus(
        clients.discovery,
        'TopicLookup',
        { request_id: '1', topic: parted },
        status.NOT_FOUND,
      );
      await expectStatus(
        clients.producer,
        'CreateProducer',
        producerRequest(parted, 'p', { dispatch_strategy: 'Reliable' }),
        status.ALREADY_EXISTS,
        `Cannot create topic '${parted}': partitioned topics with this base name already exist (found 2 partitions). Delete the partitioned topics first.`,
      );
      const plain = topicName('plain');
      await producerOn(plain);
      await expectStatus(
        clients.producer,
        'CreateProducer',
        producerRequest(`${plain}-part-0`, 'p', { dispatch_strategy: 'Reliable' }),
        status.ALREADY_EXISTS,
        `Cannot create partitioned topic '${plain}-part-0': a non-partitioned topic '${plain}' already exists. Delete the non-partitioned topic first.`,
      );
    });

    it('answers SendMessage failures with the real codes and messages', async () => {
      const topic = topicName('sends');
      const other = topicName('other');
      const producerId = await producerOn(topic);
      await producerOn(other);
      expect(await send(producerId, topic, 'ok', { request_id: '41' })).toEqual({
        request_id: '41',
      });
      await expectStatus(
        clients.producer,
        'SendMessage',
        streamMessage('12345678901', topic, 'x'),
        status.NOT_FOUND,
        'The producer with id 12345678901 does not exist',
      );
      await expectStatus(
        clients.producer,
        'SendMessage',
        streamMessage(producerId, other, 'x'),
        status.PERMISSION_DENIED,
        `Unable to publish the message: the producer with id ${producerId} is not attached to topic name: ${other}`,
      );
      const missing = topicName('missing');
      await expectStatus(
        clients.producer,
        'SendMessage',
        streamMessage(producerId, missing, 'x'),
        status.PERMISSION_DENIED,
        `Unable to publish the message: Topic ${missing} not found in registry`,
      );
      await expectStatus(
        clients.producer,
        'SendMessage',
        streamMessage(producerId, topic, Buffer.alloc(FOUR_MIB + 1)),
        status.OUT_OF_RANGE,
        /^Error, decoded message length too large: found \d+ bytes, the limit is: 4194304 bytes$/,
      );
    });

    it('answers HealthCheck OK for a known producer, CLOSE for unknown ids, INVALID_ARGUMENT for an unknown client type', async () => {
      const producerId = await producerOn(topicName('health'));
      expect(await health('Producer', producerId)).toBe('OK');
      expect(await health('Producer', '42')).toBe('CLOSE');
      expect(await health('Consumer', '42')).toBe('CLOSE');
      await expectStatus(
        clients.health,
        'HealthCheck',
        { request_id: '1', client: 7, id: '1' },
        status.INVALID_ARGUMENT,
        'Invalid client type',
      );
    });
  });

  describe('consumers', () => {
    it('refuses unknown topics and consumers, and a second consumer of an Exclusive subscription', async () => {
      const topic = topicName('subscribe');
      await expectStatus(
        clients.consumer,
        'Subscribe',
        { request_id: '1', topic_name: topic, consumer_name: 'c', subscription: 's' },
        status.NOT_FOUND,
        `Unable to find the topic: ${topic}`,
      );
      const ended = await receive(clients.consumer, '99').ended;
      expect({ code: ended?.code, details: ended?.details }).toEqual({
        code: status.NOT_FOUND,
        details: 'The consumer with the id 99 does not exist',
      });
      await producerOn(topic);
      const id = await subscribe(topic, 's', 'c1');
      expect(await subscribe(topic, 's', 'c1')).toBe(id);
      await expectStatus(
        clients.consumer,
        'Subscribe',
        {
          request_id: '1',
          topic_name: topic,
          consumer_name: 'c2',
          subscription: 's',
          subscription_type: 'Exclusive',
        },
        status.PERMISSION_DENIED,
        `Not able to subscribe to the topic ${topic} due to Not allowed to add the Consumer: c2, the Exclusive subscription can't be shared with other consumers`,
      );
    });

    it("starts a new subscription at the topic's end and streams what the producer stamped", async () => {
      const topic = topicName('stream');
      const producerId = await producerOn(topic);
      await send(producerId, topic, 'before the subscription');
      const consumerId = await subscribe(topic, 's', 'c');
      await send(producerId, topic, 'after', {
        request_id: '77',
        attributes: { a: '1' },
        routing_key: 'k1',
        publish_time: '1700000000000',
        producer_name: 'stamped',
      });
      const stream = receive(clients.consumer, consumerId);
      const [message] = await stream.next();
      expect(message).toMatchObject({
        request_id: '77',
        msg_id: { producer_id: producerId, topic_name: topic, topic_offset: '1' },
        publish_time: '1700000000000',
        producer_name: 'stamped',
        subscription_name: '',
        attributes: { a: '1' },
        routing_key: 'k1',
      });
      expect(message?.payload.toString()).toBe('after');
      stream.cancel();
    });

    it('delivers at most 10 unacked messages on a reliable topic, redelivers nacked and unacked ones', async () => {
      const topic = topicName('window');
      const producerId = await producerOn(topic);
      const consumerId = await subscribe(topic, 's', 'c');
      for (let i = 0; i < 12; i++) await send(producerId, topic, `m${i}`);
      const first: MessageStream = receive(clients.consumer, consumerId);
      const window = await first.next(10);
      expect(window.map((m) => m.payload.toString())).toEqual(
        Array.from({ length: 10 }, (_, i) => `m${i}`),
      );
      expect(first.buffered()).toBe(0); // (a broker with a larger window may show it here)
      await call(clients.consumer, 'Ack', ackRequest(window[0] as ReceivedMsg, 's'));
      const [m10] = await first.next();
      expect(m10?.payload.toString()).toBe('m10');
      await call(clients.consumer, 'Nack', {
        ...ackRequest(window[1] as ReceivedMsg, 's'),
        delay_ms: '0',
      });
      const [again] = await first.next();
      expect(again?.payload.toString()).toBe('m1');
      expect(again?.msg_id.topic_offset).toBe('1');
      first.cancel();
      await disconnected(consumerId);
      expect(await subscribe(topic, 's', 'c')).toBe(consumerId);
      expect(await health('Consumer', consumerId)).toBe('OK');
      const second = receive(clients.consumer, consumerId);
      const [redelivered] = await second.next();
      expect(redelivered?.payload.toString()).toBe('m1');
      second.cancel();
    });

    it('fires and forgets on a non-reliable topic: offset 0, lost while nobody listens', async () => {
      const topic = topicName('live');
      const producerId = await producerOn(topic, 'p', { dispatch_strategy: 'NonReliable' });
      const consumerId = await subscribe(topic, 's', 'c');
      await send(producerId, topic, 'kept for the subscribed consumer');
      const first = receive(clients.consumer, consumerId);
      const [kept] = await first.next();
      expect(kept?.payload.toString()).toBe('kept for the subscribed consumer');
      expect(kept?.msg_id.topic_offset).toBe('0');
      expect(await call(clients.consumer, 'Ack', ackRequest(kept as ReceivedMsg, 's'))).toEqual({
        request_id: '1',
      });
      first.cancel();
      await disconnected(consumerId);
      await send(producerId, topic, 'lost while disconnected');
      expect(await subscribe(topic, 's', 'c')).toBe(consumerId);
      const second = receive(clients.consumer, consumerId);
      await send(producerId, topic, 'after reconnecting');
      const [next] = await second.next();
      expect(next?.payload.toString()).toBe('after reconnecting');
      second.cancel();
    });

    it('answers Ack and Nack for unknown topics and subscriptions with INTERNAL, without msg_id CANCELLED', async () => {
      const topic = topicName('acks');
      const producerId = await producerOn(topic);
      const consumerId = await subscribe(topic, 's', 'c');
      await send(producerId, topic, 'm');
      const stream = receive(clients.consumer, consumerId);
      const [message] = (await stream.next()) as [ReceivedMsg];
      await expectStatus(
        clients.consumer,
        'Ack',
        ackRequest(message, 'nope'),
        status.INTERNAL,
        'Error acknowledging message: Subscription not found',
      );
      const missing = topicName('missing');
      const elsewhere = { ...message, msg_id: { ...message.msg_id, topic_name: missing } };
      await expectStatus(
        clients.consumer,
        'Ack',
        ackRequest(elsewhere, 's'),
        status.INTERNAL,
        `Error acknowledging message: Topic ${missing} not found in registry`,
      );
      await expectStatus(
        clients.consumer,
        'Nack',
        ackRequest(elsewhere, 's'),
        status.INTERNAL,
        `Error negatively acknowledging message: Topic ${missing} not found in registry`,
      );
      await expectStatus(
        clients.consumer,
        'Ack',
        { request_id: '1', subscription_name: 's' },
        status.CANCELLED,
      );
      expect(await call(clients.consumer, 'Ack', ackRequest(message, 's'))).toEqual({
        request_id: '1',
      });
      stream.cancel();
    });
  });

  describe('schema registry', () => {
    // keys in sorted order: the fingerprint hashes the JSON with sorted keys (serde_json's)
    const V1 = json({
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
      required: ['id'],
      type: 'object',
    });

    it('keeps one id per subject; identical definitions (keys in any order, type aliases) are not new versions', async () => {
      const subject = unique('subject');
      const first = await register(subject, 'json_schema', V1);
      expect(first).toMatchObject({ version: 1, is_new_version: true, fingerprint: sha256(V1) });
      const reordered =
        '{"required":["id"],"type":"object","properties":{"name":{"type":"string"},"id":{"type":"integer"}}}';
      for (const [type, definition] of [
        ['json_schema', V1],
        ['json_schema', reordered],
        ['json', V1],
      ] as const) {
        expect(await register(subject, type, definition)).toEqual({
          ...first,
          is_new_version: false,
        });
      }
      const v2 = json({
        properties: { age: { type: 'integer' }, id: { type: 'integer' }, name: { type: 'string' } },
        required: ['id'],
        type: 'object',
      });
      expect(await register(subject, 'json_schema', v2)).toMatchObject({
        schema_id: first.schema_id,
        version: 2,
        is_new_version: true,
      });
      const versions = await call<{ versions: Array<Record<string, unknown>> }>(
        clients.registry,
        'ListVersions',
        { subject },
      );
      expect(versions.versions.map((v) => [v['version'], v['schema_id']])).toEqual([
        [1, first.schema_id],
        [2, first.schema_id],
      ]);
      const latest = await call<Record<string, unknown>>(clients.registry, 'GetLatestSchema', {
        subject,
      });
      expect(latest).toMatchObject({
        schema_id: first.schema_id,
        version: 2,
        subject,
        schema_type: 'json_schema',
        compatibility_mode: 'backward',
      });
      expect(JSON.parse(String(latest['schema_definition']))).toEqual({
        JsonSchema: { raw_schema: v2, fingerprint: sha256(v2) },
      });
      expect(
        await call(clients.registry, 'GetSchema', { schema_id: first.schema_id, version: 1 }),
      ).toMatchObject({ version: 1, subject });
      expect(
        await call(clients.registry, 'GetSchema', { schema_id: first.schema_id }),
      ).toMatchObject({ version: 2 });
    });

    it('answers NOT_FOUND for unknown subjects, ids and versions', async () => {
      const subject = unique('unknown');
      await expectStatus(
        clients.registry,
        'GetLatestSchema',
        { subject },
        status.NOT_FOUND,
        `Schema not found for subject: ${subject}`,
      );
      await expectStatus(
        clients.registry,
        'ListVersions',
        { subject },
        status.NOT_FOUND,
        `Subject not found: ${subject}`,
      );
      const { schema_id: id } = await register(unique('known'), 'string', '');
      await expectStatus(
        clients.registry,
        'GetSchema',
        { schema_id: id, version: 9 },
        status.NOT_FOUND,
        `Schema not found for ID: ${id}`,
      );
      await expectStatus(
        clients.registry,
        'GetSchema',
        { schema_id: '18446744073709551000' },
        status.NOT_FOUND,
        'Schema not found for ID: 18446744073709551000',
      );
    });

    it('checks compatibility on registration (default backward) and on request', async () => {
      const subject = unique('compat');
      await register(subject, 'json_schema', V1);
      const typeChanged = json({
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' } },
        required: ['id'],
      });
      await expectStatus(
        clients.registry,
        'RegisterSchema',
        {
          subject,
          schema_type: 'json_schema',
          schema_definition: Buffer.from(typeChanged),
        },
        status.INTERNAL,
        `Failed to register schema: Schema is not compatible with subject '${subject}' (mode: Backward): Backward incompatible: changed type of field 'id'`,
      );
      await expectStatus(
        clients.registry,
        'RegisterSchema',
        { subject, schema_type: 'avro', schema_definition: Buffer.from('"string"') },
        status.INTERNAL,
        `Failed to register schema: Schema is not compatible with subject '${subject}' (mode: Backward): Schema types must match (cannot change from Avro to JSON, etc.)`,
      );
      const check = (mode?: string): Promise<unknown> =>
        call(clients.registry, 'CheckCompatibility', {
          subject,
          new_schema_definition: Buffer.from(typeChanged),
          schema_type: 'json_schema',
          ...(mode !== undefined && { compatibility_mode: mode }),
        });
      const refused = {
        is_compatible: false,
        errors: ["Backward incompatible: changed type of field 'id'"],
      };
      expect(await check()).toEqual(refused);
      expect(await check('bogus')).toEqual(refused); // an unknown mode falls back to the subject's
      expect(await check('none')).toEqual({ is_compatible: true, errors: [] });
      const avro = unique('avro');
      const record = (fields: unknown[]): string => json({ type: 'record', name: 'R', fields });
      await register(avro, 'avro', record([{ name: 'a', type: 'int' }]));
      // after the prefix, the reason is the Avro library's own wording
      await expectStatus(
        clients.registry,
        'RegisterSchema',
        {
          subject: avro,
          schema_type: 'avro',
          schema_definition: Buffer.from(
            record([
              { name: 'a', type: 'int' },
              { name: 'b', type: 'string' },
            ]),
          ),
        },
        status.INTERNAL,
        new RegExp(
          `^Failed to register schema: Schema is not compatible with subject '${avro}' \\(mode: Backward\\): `,
        ),
      );
      expect(
        await register(
          avro,
          'avro',
          record([
            { name: 'a', type: 'int' },
            { name: 'b', type: 'string', default: '' },
          ]),
        ),
      ).toMatchObject({ version: 2, is_new_version: true });
    });

    it('sets compatibility modes case-insensitively; unknown subjects and modes are refused', async () => {
      const subject = unique('modes');
      const missing = unique('missing');
      await register(subject, 'json_schema', V1);
      await expectStatus(
        clients.registry,
        'SetCompatibilityMode',
        { subject, compatibility_mode: 'sideways' },
        status.INVALID_ARGUMENT,
        'Invalid compatibility mode: sideways',
      );
      await expectStatus(
        clients.registry,
        'SetCompatibilityMode',
        { subject: missing, compatibility_mode: 'full' },
        status.INTERNAL,
        `Failed to set compatibility mode: Schema metadata not found for subject: ${missing}`,
      );
      await expectStatus(
        clients.registry,
        'CheckCompatibility',
        { subject: missing, new_schema_definition: Buffer.from(V1), schema_type: 'json_schema' },
        status.INTERNAL,
        `Failed to check compatibility: Schema metadata not found for subject: ${missing}`,
      );
      expect(
        await call(clients.registry, 'SetCompatibilityMode', {
          subject,
          compatibility_mode: 'FULL',
        }),
      ).toEqual({
        success: true,
        message: `Set compatibility mode to FULL for subject ${subject}`,
      });
      expect(await call(clients.registry, 'GetLatestSchema', { subject })).toMatchObject({
        compatibility_mode: 'full',
      });
    });

    it('deletes an older version; deleting what does not exist succeeds', async () => {
      const subject = unique('delete');
      const { schema_id: id } = await register(subject, 'json_schema', V1);
      await register(subject, 'json_schema', json({ ...JSON.parse(V1), title: 'v2' }));
      for (const [name, version] of [
        [subject, 1],
        [subject, 7],
        [unique('nobody'), 1],
      ] as const) {
        expect(
          await call(clients.registry, 'DeleteSchemaVersion', { subject: name, version }),
        ).toEqual({ success: true, message: `Deleted version ${version} for subject ${name}` });
      }
      const versions = await call<{ versions: Array<{ version: number }> }>(
        clients.registry,
        'ListVersions',
        { subject },
      );
      expect(versions.versions.map((v) => v.version)).toEqual([2]);
      await expectStatus(
        clients.registry,
        'GetSchema',
        { schema_id: id, version: 1 },
        status.NOT_FOUND,
      );
    });

    it('stores each schema type in its serde form; protobuf unparsed, as DefaultMessage, never incompatible', async () => {
      const avro = unique('avro');
      expect(await register(avro, 'avro', '"string"')).toMatchObject({
        fingerprint: sha256('"string"'),
      });
      await expectStatus(
        clients.registry,
        'RegisterSchema',
        { subject: unique('bare'), schema_type: 'avro', schema_definition: Buffer.from('string') },
        status.INTERNAL,
        'Failed to register schema: Invalid Avro schema: Failed to parse schema from JSON',
      );
      const proto = 'syntax = "proto3";\nmessage Reading { string id = 1; }\n';
      const subject = unique('proto');
      expect(await register(subject, 'protobuf', proto)).toMatchObject({
        version: 1,
        fingerprint: sha256(proto),
      });
      const other = 'not even protobuf';
      expect(await register(subject, 'proto', other)).toMatchObject({ version: 2 });
      const latest = await call<{ schema_definition: Buffer; schema_type: string }>(
        clients.registry,
        'GetLatestSchema',
        { subject },
      );
      expect(latest.schema_type).toBe('protobuf');
      expect(JSON.parse(latest.schema_definition.toString())).toEqual({
        Protobuf: { raw_proto: other, message_name: 'DefaultMessage', fingerprint: sha256(other) },
      });
      for (const [type, wrapped, fingerprint] of [
        ['string', 'String', 'string'],
        ['bytes', 'Bytes', 'bytes'],
        ['int64', 'Number', 'number'],
      ] as const) {
        const name = unique(type);
        expect(await register(name, type, 'ignored')).toMatchObject({ fingerprint });
        const got = await call<{ schema_definition: Buffer }>(clients.registry, 'GetLatestSchema', {
          subject: name,
        });
        expect(got.schema_definition.toString()).toBe(`"${wrapped}"`);
      }
      await expectStatus(
        clients.registry,
        'RegisterSchema',
        { subject: unique('xml'), schema_type: 'xml', schema_definition: Buffer.from('<a/>') },
        status.INTERNAL,
        'Failed to register schema: Unknown schema type: xml',
      );
      for (const [definition, prefix] of [
        ['{nope', 'Failed to register schema: Invalid JSON in schema: '],
        ['12', 'Failed to register schema: Invalid JSON Schema: '],
      ] as const) {
        const error = await callError(clients.registry, 'RegisterSchema', {
          subject: unique('bad'),
          schema_type: 'json_schema',
          schema_definition: Buffer.from(definition),
        });
        expect(error.code).toBe(status.INTERNAL);
        expect(error.details.startsWith(prefix)).toBe(true);
      }
    });
  });

  describe('topic schema configuration and validation policies', () => {
    const SCHEMA = json({
      type: 'object',
      properties: { id: { type: 'integer' } },
      required: ['id'],
    });

    async function configure(
      topic: string,
      subject: string,
      policy: string,
      payload: boolean,
    ): Promise<unknown> {
      return call(clients.registry, 'ConfigureTopicSchema', {
        topic_name: topic,
        schema_subject: subject,
        validation_policy: policy,
        enable_payload_validation: payload,
      });
    }

    async function update(topic: string, policy: string, payload: boolean): Promise<unknown> {
      return call(clients.registry, 'UpdateTopicValidationPolicy', {
        topic_name: topic,
        validation_policy: policy,
        enable_payload_validation: payload,
      });
    }

    it('configures a topic, refusing unknown topics, subjects and policies', async () => {
      const topic = topicName('config');
      const subject = unique('config');
      const missing = unique('missing');
      const absent = topicName('absent');
      await expectStatus(
        clients.registry,
        'GetTopicSchemaConfig',
        { topic_name: absent },
        status.NOT_FOUND,
        `Topic '${absent}' not found on this broker`,
      );
      await producerOn(topic);
      expect(await call(clients.registry, 'GetTopicSchemaConfig', { topic_name: topic })).toEqual({
        schema_subject: '',
        validation_policy: 'warn',
        enable_payload_validation: false,
        schema_id: '0',
      });
      await expectStatus(
        clients.registry,
        'UpdateTopicValidationPolicy',
        { topic_name: topic, validation_policy: 'enforce', enable_payload_validation: true },
        status.FAILED_PRECONDITION,
        `Topic '${topic}' has no schema subject configured. Use ConfigureTopicSchema first.`,
      );
      await register(subject, 'json_schema', SCHEMA);
      for (const [request, code, details] of [
        [
          { topic_name: topic, schema_subject: subject, validation_policy: 'strict' },
          status.INVALID_ARGUMENT,
          "Invalid validation policy: 'strict'. Must be 'none', 'warn', or 'enforce'",
        ],
        [
          { topic_name: topic, schema_subject: missing, validation_policy: 'enforce' },
          status.NOT_FOUND,
          `Schema subject '${missing}' not found in registry: Schema metadata not found for subject: ${missing}`,
        ],
        [
          { topic_name: absent, schema_subject: subject, validation_policy: 'enforce' },
          status.NOT_FOUND,
          `Topic '${absent}' not found on this broker`,
        ],
      ] as const) {
        await expectStatus(clients.registry, 'ConfigureTopicSchema', request, code, details);
      }
      expect(await configure(topic, subject, 'Enforce', false)).toEqual({
        success: true,
        message: `Topic '${topic}' configured with schema '${subject}', validation policy 'Enforce', payload validation disabled`,
      });
      // Danube v0.15 answers schema_id 0 even with a subject (it reads a field its metadata lacks)
      expect(await call(clients.registry, 'GetTopicSchemaConfig', { topic_name: topic })).toEqual({
        schema_subject: subject,
        validation_policy: 'enforce',
        enable_payload_validation: false,
        schema_id: '0',
      });
      expect(await update(topic, 'warn', true)).toEqual({
        success: true,
        message: "Validation policy updated to 'Warn', payload validation enabled",
      });
    });

    it('enforces the subject and, with payload validation, the payload', async () => {
      const topic = topicName('enforce');
      const subject = unique('enforce');
      const otherSubject = unique('other');
      const producerId = await producerOn(topic);
      const { schema_id: id } = await register(subject, 'json_schema', SCHEMA);
      const { schema_id: otherId } = await register(otherSubject, 'string', '');
      await configure(topic, subject, 'enforce', false);
      const refused = (payload: string, extra: Record<string, unknown>, details: string | RegExp) =>
        expectStatus(
          clients.producer,
          'SendMessage',
          streamMessage(producerId, topic, payload, extra),
          status.PERMISSION_DENIED,
          details,
        );
      await refused(
        '{"id":1}',
        {},
        `Unable to publish the message: Message missing schema_id for topic ${topic} (expected subject: ${subject})`,
      );
      await refused(
        '{"id":1}',
        { schema_id: otherId, schema_version: 1 },
        `Unable to publish the message: Schema subject mismatch for topic ${topic}: message schema_id=${otherId} belongs to subject '${otherSubject}', but topic requires '${subject}'`,
      );
      await refused(
        '{"id":1}',
        { schema_id: '18446744073709551000', schema_version: 1 },
        'Unable to publish the message: Schema ID 18446744073709551000 not found in registry',
      );
      const withSchema = { schema_id: id, schema_version: 1 };
      await send(producerId, topic, 'not json, not checked', withSchema);
      await update(topic, 'enforce', true);
      await refused(
        'not json',
        withSchema,
        /^Unable to publish the message: Payload validation failed: Invalid JSON data: /,
      );
      await refused(
        '{"id":"x"}',
        withSchema,
        /^Unable to publish the message: Payload validation failed: JSON Schema validation failed: /,
      );
      await send(producerId, topic, '{"id":3}', withSchema);
      await update(topic, 'warn', true);
      await refused('not json', withSchema, /Payload validation failed: Invalid JSON data: /);
      await send(producerId, topic, 'no schema id: only a warning');
      await update(topic, 'none', true);
      await send(producerId, topic, 'not json', withSchema);
    });

    it('validates number, string and avro payloads by the registry rules; protobuf validation crashes (CANCELLED)', async () => {
      const cases = [
        ['number', '', Buffer.from('42'), 'Invalid number: expected 4 or 8 bytes, got 2'],
        ['string', '', Buffer.from([0xff, 0xfe]), 'Invalid UTF-8 string: '],
        [
          'avro',
          json({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }),
          Buffer.from('{"a":1}'),
          'Avro validation failed: ',
        ],
      ] as const;
      for (const [type, definition, payload, problem] of cases) {
        const topic = topicName(`pv-${type}`);
        const subject = unique(`pv-${type}`);
        const producerId = await producerOn(topic);
        const { schema_id: id } = await register(subject, type, definition);
        await configure(topic, subject, 'enforce', true);
        const error = await callError(
          clients.producer,
          'SendMessage',
          streamMessage(producerId, topic, payload, { schema_id: id, schema_version: 1 }),
        );
        expect(error.code).toBe(status.PERMISSION_DENIED);
        expect(error.details).toContain(`Payload validation failed: ${problem}`);
      }
      const topic = topicName('pv-protobuf');
      const subject = unique('pv-protobuf');
      const producerId = await producerOn(topic);
      const { schema_id: id } = await register(subject, 'protobuf', 'message M { int32 a = 1; }');
      await configure(topic, subject, 'warn', true);
      const message = streamMessage(producerId, topic, Buffer.from([8, 1]), {
        schema_id: id,
        schema_version: 1,
      });
      expect((await callError(clients.producer, 'SendMessage', message)).code).toBe(
        status.CANCELLED,
      );
      await update(topic, 'warn', false);
      expect(await call(clients.producer, 'SendMessage', message)).toEqual({ request_id: '1' });
    });
  });
}
