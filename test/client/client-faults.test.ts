import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DanubeClient,
  type ClientLogger,
  type DanubeClientOptions,
} from '../../src/client/index.js';
import {
  startBroker,
  type BrokerCallEvent,
  type BrokerMethod,
  type EmbeddedBroker,
} from '../../src/testing/index.js';
import { FAST_RETRY, danubeErrorOf, receive, uniqueTopic } from './core-suite.js';

const U64_MAX = 2n ** 64n - 1n;

/** Resolves on the next broker call of `method`. */
function nextCall(broker: EmbeddedBroker, method: BrokerMethod): Promise<BrokerCallEvent> {
  return new Promise((resolve) => {
    const listener = (event: BrokerCallEvent): void => {
      if (event.method !== method) return;
      broker.off('call', listener);
      resolve(event);
    };
    broker.on('call', listener);
  });
}

describe('DanubeClient against the embedded broker (faults and inspection)', () => {
  let broker: EmbeddedBroker;
  let client: DanubeClient;

  async function connect(options: Partial<DanubeClientOptions> = {}): Promise<DanubeClient> {
    client = await DanubeClient.connect({ serviceUrl: broker.url, retry: FAST_RETRY, ...options });
    return client;
  }

  beforeEach(async () => {
    broker = await startBroker();
  });

  afterEach(async () => {
    await client?.close();
    await broker.close();
  });

  it('stores exactly what the Rust producer puts in a StreamMessage', async () => {
    await connect();
    const topic = uniqueTopic('default', 'fields');
    const { schemaId, version } = await client.schemas.register({
      subject: 'fields',
      schemaType: 'string',
      definition: '',
    });
    const producer = await client.createProducer({
      topic,
      name: 'fields-producer',
      schema: { subject: 'fields', version: { pinned: version } },
    });
    const sent = nextCall(broker, 'SendMessage');
    const before = Date.now();
    const receipt = await producer.send(Buffer.from('hello'), {
      key: 'k1',
      attributes: { a: '1' },
    });
    const request = (await sent).request as Record<string, unknown>;
    expect(request['request_id']).toBe(receipt.requestId);
    expect(request['msg_id']).toEqual({
      producer_id: receipt.producerId,
      topic_name: topic,
      broker_addr: broker.url,
      topic_offset: '0',
    });
    expect(Number(request['publish_time'])).toBeGreaterThanOrEqual(before);
    expect(request['producer_name']).toBe('fields-producer');
    expect(request['schema_id']).toBe(schemaId);
    expect(request['schema_version']).toBe(version);
    expect(request['routing_key']).toBe('k1');

    const [stored] = broker.messages(topic);
    expect(stored).toMatchObject({
      offset: 0n,
      key: 'k1',
      attributes: { a: '1' },
      producerName: 'fields-producer',
      producerId: receipt.producerId,
      schemaId,
      schemaVersion: version,
    });
    // request ids count up per producer
    const second = await producer.send(Buffer.from('again'));
    expect(BigInt(second.requestId)).toBe(BigInt(receipt.requestId) + 1n);
  });

  it('keeps a broker-assigned id of 2^64-1 intact', async () => {
    await broker.close();
    let next = U64_MAX;
    broker = await startBroker({ idGenerator: () => next-- });
    await connect();
    const max = U64_MAX.toString();
    const topic = uniqueTopic('default', 'maxid');
    const producer = await client.createProducer({ topic, name: 'max' });
    expect(producer.producerIds()).toEqual([max]);
    const consumer = await client.subscribe({ topic, subscription: 'max' });
    const receipt = await producer.send(Buffer.from('x'));
    expect(receipt.producerId).toBe(max);
    expect(broker.messages(topic)[0]?.producerId).toBe(max);
    const [message] = await receive(consumer, 1);
    expect(message?.msgId.producer_id).toBe(max);

    // Schema ids are u64 too: the next ids are 2^64-3 and below, far above 2^53.
    const { schemaId } = await client.schemas.register({
      subject: 'maxid',
      schemaType: 'bytes',
      definition: '',
    });
    expect(BigInt(schemaId)).toBeGreaterThan(2n ** 63n);
    const withSchema = await client.createProducer({
      topic,
      name: 'max-schema',
      schema: { subject: 'maxid' },
    });
    await withSchema.send(Buffer.from('y'));
    expect(broker.messages(topic)[1]?.schemaId).toBe(schemaId);
    const [stamped] = await receive(consumer, 1);
    expect(stamped?.schemaId).toBe(schemaId);
  });

  it('retries through UNAVAILABLE bursts without losing a message', async () => {
    await connect();
    const topic = uniqueTopic('default', 'burst');
    const producer = await client.createProducer({ topic, name: 'burst' });
    for (let i = 0; i < 20; i++) {
      if (i % 5 === 0) broker.faults.failNext('SendMessage', 3, status.UNAVAILABLE, 'burst');
      await producer.send(Buffer.from(String(i)));
    }
    const stored = broker.messages(topic).map((m) => m.payload.toString());
    expect(stored).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(broker.stats().injectedFailures).toBe(12);
  });

  it('retries RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED and PERMISSION_DENIED sends', async () => {
    await connect();
    const topic = uniqueTopic('default', 'transient');
    const producer = await client.createProducer({ topic, name: 'transient' });
    for (const code of [
      status.RESOURCE_EXHAUSTED,
      status.DEADLINE_EXCEEDED,
      status.PERMISSION_DENIED,
    ]) {
      broker.faults.failNext('SendMessage', 2, code, 'Unable to publish the message: moving');
      await producer.send(Buffer.from(String(code)));
    }
    expect(broker.messages(topic)).toHaveLength(3);
  });

  it('counts duplicates when the broker stored a message but its response was lost', async () => {
    await connect();
    const topic = uniqueTopic('default', 'dupes');
    const producer = await client.createProducer({ topic, name: 'dupes' });
    broker.faults.storeThenFailResponse(2);
    const receipts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => producer.send(Buffer.from(String(i)))),
    );
    expect(receipts).toHaveLength(10);
    const stored = broker.messages(topic).map((m) => m.payload.toString());
    const distinct = new Set(stored);
    expect(distinct.size).toBe(10);
    const duplicates = stored.length - distinct.size;
    expect(duplicates).toBe(2);
    expect(broker.stats().storedThenFailed).toBe(2);
  });

  it.each([
    [status.FAILED_PRECONDITION, 'config'],
    [status.INVALID_ARGUMENT, 'oversize'],
    [status.OUT_OF_RANGE, 'oversize'],
  ] as const)('does not retry %s and names topic and producer', async (code, kind) => {
    await connect();
    const topic = uniqueTopic('default', 'fatal');
    const producer = await client.createProducer({ topic, name: 'fatal' });
    const before = broker.stats().calls.SendMessage ?? 0;
    broker.faults.failNext('SendMessage', 1, code, 'nope');
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error).toMatchObject({ kind, code, retryable: false, topic, producer: 'fatal' });
    expect(error.message).toContain(status[code]);
    expect(error.message).toContain('nope');
    expect((broker.stats().calls.SendMessage ?? 0) - before).toBe(1);
    expect(broker.messages(topic)).toHaveLength(0);
  });

  it('makes one attempt per send when retries are off', async () => {
    await connect();
    const topic = uniqueTopic('default', 'noretry');
    const producer = await client.createProducer({ topic, name: 'noretry', retry: false });
    broker.faults.failNext('SendMessage', 1, status.UNAVAILABLE);
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
    await producer.send(Buffer.from('y'));
    expect(broker.messages(topic).map((m) => m.payload.toString())).toEqual(['y']);
  });

  it('retries CreateProducer after UNAVAILABLE with a fresh lookup', async () => {
    await connect();
    const topic = uniqueTopic('default', 'createretry');
    broker.faults.failNext('CreateProducer', 2, status.UNAVAILABLE, 'redo the lookup');
    const lookupsBefore = broker.stats().calls.TopicLookup ?? 0;
    const producer = await client.createProducer({ topic, name: 'cr' });
    expect((broker.stats().calls.TopicLookup ?? 0) - lookupsBefore).toBe(3);
    await producer.send(Buffer.from('x'));
  });

  it('recreates the producer after HealthCheck answers CLOSE', async () => {
    await connect({ healthCheckIntervalMs: 20 });
    const topic = uniqueTopic('default', 'close');
    const producer = await client.createProducer({ topic, name: 'closable' });
    await producer.send(Buffer.from('before'));
    const recreated = nextCall(broker, 'CreateProducer');
    broker.faults.dropProducer('closable');
    expect(broker.producers().some((p) => p.name === 'closable')).toBe(false);
    await recreated;
    await producer.send(Buffer.from('after'));
    expect(broker.producers().filter((p) => p.name === 'closable')).toHaveLength(1);
    expect(broker.messages(topic).map((m) => m.payload.toString())).toEqual(['before', 'after']);
  });

  it('recreates the producer on NOT_FOUND after a broker restart, one recreation for many sends', async () => {
    // No health checks here: they would recreate the idle partition 1 as well.
    await connect({ healthCheckIntervalMs: 600_000 });
    const topic = uniqueTopic('default', 'restart');
    const producer = await client.createProducer({ topic, name: 'survivor', partitions: 2 });
    await producer.send(Buffer.from('before'), { partition: 0 });
    const oldIds = producer.producerIds();
    await broker.restart();
    const creates = broker.stats().calls.CreateProducer ?? 0;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        producer.send(Buffer.from(`after-${i}`), { partition: 0 }),
      ),
    );
    expect((broker.stats().calls.CreateProducer ?? 0) - creates).toBe(1);
    expect(producer.producerIds()[0]).not.toBe(oldIds[0]);
    expect(broker.messages(`${topic}-part-0`)).toHaveLength(51);
  });

  it('rides out a broker that is down for a while', async () => {
    const watcher = retryWatcher();
    await connect({
      retry: { retries: 50, minTimeoutMs: 10, maxTimeoutMs: 50 },
      logger: watcher.logger,
    });
    const topic = uniqueTopic('default', 'down');
    const producer = await client.createProducer({ topic, name: 'patient' });
    await broker.goDown();
    const sending = producer.send(Buffer.from('while down'));
    await watcher.retried;
    await broker.comeUp();
    await sending;
    expect(broker.messages(topic)).toHaveLength(1);
  });

  it('keeps 1,000 concurrent sends in flight at once (the broker sees them overlap)', async () => {
    await connect();
    const topic = uniqueTopic('default', 'concurrency');
    const producer = await client.createProducer({ topic, name: 'wide' });
    // The broker's handler is otherwise synchronous; a little latency makes overlap visible.
    broker.faults.latency(5, 'SendMessage');
    const receipts = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => producer.send(Buffer.from(String(i)))),
    );
    expect(receipts).toHaveLength(1_000);
    expect(broker.messages(topic)).toHaveLength(1_000);
    expect(broker.stats().peakConcurrentSends).toBeGreaterThan(1);
  });

  it('matches each receipt to its own request when responses come back out of order', async () => {
    await connect();
    const topic = uniqueTopic('default', 'reorder');
    const producer = await client.createProducer({ topic, name: 'reorder' });
    broker.faults.reorderResponses(5);
    const receipts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => producer.send(Buffer.from(String(i)))),
    );
    const stored = broker.messages(topic);
    for (const receipt of receipts) {
      expect(stored.some((m) => m.requestId === receipt.requestId)).toBe(true);
    }
  });

  it('ends every in-flight call on close, and rejects later calls with kind stopping', async () => {
    await connect();
    const topic = uniqueTopic('default', 'closing');
    const producer = await client.createProducer({ topic, name: 'closing' });
    const consumer = await client.subscribe({ topic, subscription: 'closing' });
    broker.faults.latency(60_000, 'SendMessage');
    const arrived = nextCall(broker, 'SendMessage');
    const pending = producer.send(Buffer.from('stuck'));
    await arrived;
    const iteration = (async () => {
      let count = 0;
      for await (const _ of consumer) count++;
      return count;
    })();
    await client.close();
    await expect(pending).rejects.toMatchObject({ kind: 'stopping' });
    await expect(iteration).resolves.toBe(0);
    await expect(producer.send(Buffer.from('late'))).rejects.toMatchObject({ kind: 'stopping' });
    broker.faults.clear();
  });

  it('reconnects a consumer stream after a broker restart', async () => {
    await connect();
    const topic = uniqueTopic('default', 'resubscribe');
    const producer = await client.createProducer({ topic, name: 'rp', reliableDispatch: true });
    const consumer = await client.subscribe({ topic, subscription: 'rs' });
    await producer.send(Buffer.from('one'));
    const [first] = await receive(consumer, 1);
    expect(first?.payload.toString()).toBe('one');
    const resubscribed = nextCall(broker, 'ReceiveMessages');
    await broker.restart();
    await resubscribed;
    await producer.send(Buffer.from('two'));
    const [second] = await receive(consumer, 1);
    expect(second?.payload.toString()).toBe('two');
  });

  it('looks up a new topic at the service URL and partitions of an existing one', async () => {
    await connect();
    const topic = uniqueTopic('default', 'lookup');
    expect(await client.lookupTopic(topic)).toEqual({
      connectUrl: broker.url,
      brokerUrl: broker.url,
      proxy: false,
    });
    await client.createProducer({ topic, name: 'lk', partitions: 3 });
    expect((await client.topicPartitions(topic)).sort()).toEqual(
      [0, 1, 2].map((i) => `${topic}-part-${i}`),
    );
    const found = await client.lookupTopic(`${topic}-part-0`);
    expect(found.connectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

/** A client logger that resolves `retried` on the first retry the client logs. */
function retryWatcher(): { logger: ClientLogger; retried: Promise<void> } {
  let resolve!: () => void;
  const retried = new Promise<void>((r) => (resolve = r));
  const note = (_fields: object, message: string): void => {
    if (/retrying|looking the topic up again/.test(message)) resolve();
  };
  return { logger: { debug: note, info: note, warn: note, error: note }, retried };
}
