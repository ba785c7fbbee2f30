import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import {
  call,
  callError,
  producerRequest,
  rawClients,
  streamMessage,
  type RawClients,
  closeBroker,
  openBroker,
} from './broker-helpers.js';

interface ProducerResponse {
  request_id: string;
  producer_id: string;
  producer_name: string;
}

describe('embedded broker: topics, producers, sends', () => {
  let broker: EmbeddedBroker;
  let clients: RawClients;

  beforeEach(async () => {
    ({ broker, clients } = await openBroker({ namespaces: ['default', 'iot'] }));
  });

  afterEach(async () => {
    await closeBroker({ broker, clients });
  });

  it('listens on a free port of 127.0.0.1 and reports its url', () => {
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`http://127.0.0.1:${broker.port}`);
  });

  it.each([
    'default/t',
    '/default',
    '/default/t/x',
    '/def ault/t',
    '/default/t.x',
    '//t',
    '/default/',
  ])(
    'refuses the malformed topic name %j with INVALID_ARGUMENT (producer and lookup)',
    async (topic) => {
      const created = await callError(
        clients.producer,
        'CreateProducer',
        producerRequest(topic, 'p'),
      );
      expect(created.code).toBe(status.INVALID_ARGUMENT);
      expect(created.details).toContain('has an invalid format');
      const lookup = await callError(clients.discovery, 'TopicLookup', { request_id: '1', topic });
      expect(lookup.code).toBe(status.INVALID_ARGUMENT);
    },
  );

  it('answers UNAVAILABLE naming the namespace when it does not exist', async () => {
    const error = await callError(
      clients.producer,
      'CreateProducer',
      producerRequest('/data/events', 'p'),
    );
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toContain('Unable to find the namespace data');
    expect(broker.topics()).toEqual([]);
    broker.createNamespace('data');
    await call(clients.producer, 'CreateProducer', producerRequest('/data/events', 'p'));
    expect(broker.topics()).toEqual(['/data/events']);
  });

  it('answers lookup NOT_FOUND for a new topic, then Connect to itself once a producer created it', async () => {
    const before = await callError(clients.discovery, 'TopicLookup', {
      request_id: '1',
      topic: '/iot/sensors',
    });
    expect(before.code).toBe(status.NOT_FOUND);
    const created = new Promise<string>((resolve) => broker.once('topic', resolve));
    await call(clients.producer, 'CreateProducer', producerRequest('/iot/sensors', 'p'));
    expect(await created).toBe('/iot/sensors');
    const after = await call<Record<string, unknown>>(clients.discovery, 'TopicLookup', {
      request_id: '7',
      topic: '/iot/sensors',
    });
    expect(after).toMatchObject({
      request_id: '7',
      response_type: 'Connect',
      connect_url: broker.url,
      broker_url: broker.url,
      proxy: false,
    });
  });

  it('is idempotent by producer name and hands out full-range u64 ids as strings', async () => {
    const first = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p1'),
    );
    const again = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p1'),
    );
    const other = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p2'),
    );
    expect(again.producer_id).toBe(first.producer_id);
    expect(other.producer_id).not.toBe(first.producer_id);
    expect(first.producer_id).toMatch(/^\d+$/);
    expect(
      broker
        .producers()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['p1', 'p2']);
  });

  it('uses the id generator, e.g. 2^64-1, and the id survives the wire intact', async () => {
    const max = 2n ** 64n - 1n;
    const custom = await startBroker({ idGenerator: () => max });
    const raw = rawClients(custom);
    try {
      const created = await call<ProducerResponse>(
        raw.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p'),
      );
      expect(created.producer_id).toBe('18446744073709551615');
      await call(
        raw.producer,
        'SendMessage',
        streamMessage(created.producer_id, '/default/t', 'x'),
      );
      expect(custom.messages('/default/t')[0]?.producerId).toBe('18446744073709551615');
    } finally {
      raw.close();
      await custom.close();
    }
  });

  it('gives random ids above 2^53', async () => {
    const ids: bigint[] = [];
    for (let i = 0; i < 8; i++) {
      const created = await call<ProducerResponse>(
        clients.producer,
        'CreateProducer',
        producerRequest('/default/t', `p${i}`),
      );
      ids.push(BigInt(created.producer_id));
    }
    expect(ids.some((id) => id > 2n ** 53n)).toBe(true);
    expect(new Set(ids).size).toBe(8);
  });

  it('refuses T when T-part-* exist and T-part-* when T exists (ALREADY_EXISTS)', async () => {
    await call(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/orders-part-0', 'p-0'),
    );
    await call(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/orders-part-1', 'p-1'),
    );
    const plain = await callError(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/orders', 'p'),
    );
    expect(plain.code).toBe(status.ALREADY_EXISTS);
    await call(clients.producer, 'CreateProducer', producerRequest('/default/plain', 'p'));
    const part = await callError(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/plain-part-0', 'p'),
    );
    expect(part.code).toBe(status.ALREADY_EXISTS);
  });

  it('lists partitions of a partitioned topic and the topic itself otherwise', async () => {
    for (const i of [1, 0, 2]) {
      await call(
        clients.producer,
        'CreateProducer',
        producerRequest(`/default/orders-part-${i}`, `p-${i}`),
      );
    }
    await call(clients.producer, 'CreateProducer', producerRequest('/default/plain', 'p'));
    const partitioned = await call<{ partitions: string[] }>(clients.discovery, 'TopicPartitions', {
      request_id: '1',
      topic: '/default/orders',
    });
    expect(partitioned.partitions).toEqual([
      '/default/orders-part-0',
      '/default/orders-part-1',
      '/default/orders-part-2',
    ]);
    const plain = await call<{ partitions: string[] }>(clients.discovery, 'TopicPartitions', {
      request_id: '1',
      topic: '/default/plain',
    });
    expect(plain.partitions).toEqual(['/default/plain']);
  });

  it("refuses a dispatch strategy other than the topic's with FAILED_PRECONDITION", async () => {
    await call(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p', { dispatch_strategy: 'Reliable' }),
    );
    const error = await callError(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'q'),
    );
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(broker.producers()[0]?.dispatch).toBe('Reliable');
  });

  it('stores sends with per-topic offsets from 0 and everything the producer stamped', async () => {
    const { producer_id: id } = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/a', 'p'),
    );
    const { producer_id: other } = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/b', 'p'),
    );
    const response = await call<{ request_id: string }>(
      clients.producer,
      'SendMessage',
      streamMessage(id, '/default/a', 'one', {
        request_id: '41',
        attributes: { k: 'v' },
        routing_key: 'key-1',
        publish_time: '1700000000000',
        producer_name: 'p',
      }),
    );
    expect(response).toEqual({ request_id: '41' });
    await call(clients.producer, 'SendMessage', streamMessage(id, '/default/a', 'two'));
    await call(clients.producer, 'SendMessage', streamMessage(other, '/default/b', 'three'));
    const a = broker.messages('/default/a');
    expect(a.map((m) => m.offset)).toEqual([0n, 1n]);
    expect(a[0]).toMatchObject({
      topic: '/default/a',
      key: 'key-1',
      attributes: { k: 'v' },
      producerName: 'p',
      producerId: id,
      requestId: '41',
      publishTime: 1700000000000n,
    });
    expect(a[0]?.payload.toString()).toBe('one');
    expect(broker.messages('/default/b').map((m) => m.offset)).toEqual([0n]);
  });

  it('answers NOT_FOUND for an unknown producer id', async () => {
    const error = await callError(
      clients.producer,
      'SendMessage',
      streamMessage('12345', '/default/t', 'x'),
    );
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe('The producer with id 12345 does not exist');
  });

  it('refuses a payload over maxMessageBytes with INVALID_ARGUMENT', async () => {
    const small = await startBroker({ maxMessageBytes: 10 });
    const raw = rawClients(small);
    try {
      const { producer_id: id } = await call<ProducerResponse>(
        raw.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p'),
      );
      await call(raw.producer, 'SendMessage', streamMessage(id, '/default/t', '0123456789'));
      const error = await callError(
        raw.producer,
        'SendMessage',
        streamMessage(id, '/default/t', '0123456789x'),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toContain('exceeds maximum allowed 10');
      expect(small.messages('/default/t')).toHaveLength(1);
    } finally {
      raw.close();
      await small.close();
    }
  });

  it('answers OUT_OF_RANGE, as tonic does, for a request over the receive limit', async () => {
    const small = await startBroker({ maxReceiveMessageBytes: 1024 });
    const raw = rawClients(small);
    try {
      const { producer_id: id } = await call<ProducerResponse>(
        raw.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p'),
      );
      const error = await callError(
        raw.producer,
        'SendMessage',
        streamMessage(id, '/default/t', Buffer.alloc(2000)),
      );
      expect(error.code).toBe(status.OUT_OF_RANGE);
      expect(small.messages('/default/t')).toHaveLength(0);
    } finally {
      raw.close();
      await small.close();
    }
  });

  it('answers HealthCheck OK for known producers and CLOSE for unknown or dropped ones', async () => {
    const { producer_id: id } = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p'),
    );
    const ok = await call(clients.health, 'HealthCheck', {
      request_id: '1',
      client: 'Producer',
      id,
    });
    expect(ok).toEqual({ status: 'OK' });
    const unknown = await call(clients.health, 'HealthCheck', {
      request_id: '1',
      client: 'Producer',
      id: '99',
    });
    expect(unknown).toEqual({ status: 'CLOSE' });
    broker.faults.dropProducer('p');
    const dropped = await call(clients.health, 'HealthCheck', {
      request_id: '1',
      client: 'Producer',
      id,
    });
    expect(dropped).toEqual({ status: 'CLOSE' });
    const send = await callError(
      clients.producer,
      'SendMessage',
      streamMessage(id, '/default/t', 'x'),
    );
    expect(send.code).toBe(status.NOT_FOUND);
  });

  it('waits for messages from events', async () => {
    const { producer_id: id } = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p'),
    );
    const waiting = broker.waitForMessages('/default/t', 3);
    for (let i = 0; i < 3; i++)
      await call(clients.producer, 'SendMessage', streamMessage(id, '/default/t', `m${i}`));
    const messages = await waiting;
    expect(messages.map((m) => m.payload.toString())).toEqual(['m0', 'm1', 'm2']);
    await expect(broker.waitForMessages('/default/t', 4, { timeoutMs: 50 })).rejects.toThrow(
      'holds 3 of 4 messages',
    );
  });
});
