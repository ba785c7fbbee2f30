import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DanubeClient,
  DanubeError,
  type Consumer,
  type DanubeClientOptions,
  type ReceivedMessage,
} from '../../src/client/index.js';
import { ROUTING_VECTORS } from './fixtures.js';

/** Fast retries so tests do not wait on production backoff. */
export const FAST_RETRY = { retries: 6, minTimeoutMs: 10, maxTimeoutMs: 100 } as const;

/** What a core test run needs from its broker (embedded or real). */
export interface CoreSuiteTarget {
  /** Service URL of the broker, read when the suite starts. */
  url: () => string;
  /** A namespace that exists on the broker. */
  namespace: string;
  /** Extra client options (TLS, token). */
  clientOptions?: Partial<DanubeClientOptions>;
}

/** A topic name no other test uses. */
export function uniqueTopic(namespace: string, prefix: string): string {
  return `/${namespace}/${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Reads `count` messages from a consumer (acking each), then returns them. */
export async function receive(consumer: Consumer, count: number): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  if (count === 0) return received;
  for await (const message of consumer) {
    received.push(message);
    await consumer.ack(message);
    if (received.length >= count) break;
  }
  return received;
}

/** Expects `promise` to reject with a DanubeError and returns it. */
export async function danubeErrorOf(promise: Promise<unknown>): Promise<DanubeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DanubeError);
    return error as DanubeError;
  }
  throw new Error('expected a DanubeError, but the operation succeeded');
}

/**
 * The client tests that run against any Danube broker: only what a client can observe
 * (receipts, consumers, errors), no broker inspection.
 */
export function defineCoreClientTests(target: CoreSuiteTarget): void {
  let client: DanubeClient;
  const ns = target.namespace;

  beforeAll(async () => {
    client = await DanubeClient.connect({
      serviceUrl: target.url(),
      retry: FAST_RETRY,
      ...target.clientOptions,
    });
  });

  afterAll(async () => {
    await client?.close();
  });

  describe('core client behaviour', () => {
    it('round-trips payload, attributes, key and schema id/version', async () => {
      const topic = uniqueTopic(ns, 'roundtrip');
      const subject = `${topic.split('/')[2]}-value`;
      const definition = JSON.stringify({
        type: 'object',
        properties: { id: { type: 'integer' } },
      });
      const registered = await client.schemas.register({
        subject,
        schemaType: 'json_schema',
        definition,
      });
      const latest = await client.schemas.getLatest(subject);
      expect(latest.definition).toBe(definition);
      expect(latest.schemaId).toBe(registered.schemaId);

      const producer = await client.createProducer({
        topic,
        name: 'roundtrip-producer',
        schema: { subject },
      });
      expect(producer.schema).toEqual({
        subject,
        schemaId: registered.schemaId,
        version: registered.version,
      });
      const consumer = await client.subscribe({ topic, subscription: 'roundtrip-check' });
      const receipt = await producer.send(Buffer.from('{"id":7}'), {
        key: 'device-42',
        attributes: { source: 'test', 'content-type': 'application/json' },
      });
      expect(receipt.topic).toBe(topic);
      expect(receipt.producerId).toMatch(/^\d+$/);

      const [message] = await receive(consumer, 1);
      expect(message?.payload.toString()).toBe('{"id":7}');
      expect(message?.attributes).toEqual({ source: 'test', 'content-type': 'application/json' });
      expect(message?.key).toBe('device-42');
      expect(message?.schemaId).toBe(registered.schemaId);
      expect(message?.schemaVersion).toBe(registered.version);
      expect(message?.producerName).toBe('roundtrip-producer');
      expect(message?.msgId.producer_id).toBe(receipt.producerId);
      expect(message?.topic).toBe(topic);
      await consumer.close();
      await producer.close();
    });

    it('routes keys to the partitions of the test vectors (mod 4)', async () => {
      const topic = uniqueTopic(ns, 'routing');
      const producer = await client.createProducer({ topic, name: 'router', partitions: 4 });
      expect(producer.partitionTopics).toEqual([0, 1, 2, 3].map((i) => `${topic}-part-${i}`));
      const consumer = await client.subscribe({ topic, subscription: 'routing-check' });
      for (const [key, , mod4] of ROUTING_VECTORS) {
        expect(producer.route(key)).toBe(mod4);
        const receipt = await producer.send(Buffer.from(key), { key });
        expect(receipt.topic).toBe(`${topic}-part-${mod4}`);
      }
      const received = await receive(consumer, ROUTING_VECTORS.length);
      for (const message of received) {
        const key = message.payload.toString();
        const vector = ROUTING_VECTORS.find(([k]) => k === key);
        expect(message.topic).toBe(`${topic}-part-${vector?.[2]}`);
        expect(message.key).toBe(key);
      }
      await consumer.close();
      await producer.close();
    });

    it('round-robins keyless sends from partition 0', async () => {
      const topic = uniqueTopic(ns, 'roundrobin');
      const producer = await client.createProducer({ topic, name: 'rr', partitions: 3 });
      const topics: string[] = [];
      for (let i = 0; i < 6; i++) topics.push((await producer.send(Buffer.from([i]))).topic);
      expect(topics).toEqual([0, 1, 2, 0, 1, 2].map((i) => `${topic}-part-${i}`));
      await producer.close();
    });

    it('reports a missing namespace by name as a configuration error, without retrying', async () => {
      const namespace = `missing${randomUUID().slice(0, 6)}`;
      const error = await danubeErrorOf(
        client.createProducer({ topic: `/${namespace}/sensors`, name: 'nobody' }),
      );
      expect(error.kind).toBe('config');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`"${namespace}"`);
      expect(error.message).toContain(`/${namespace}/sensors`);
    });

    it('reports an invalid topic name as a configuration error', async () => {
      const error = await danubeErrorOf(
        client.createProducer({ topic: `/${ns}/bad name!`, name: 'bad' }),
      );
      expect(error).toMatchObject({ kind: 'config', code: status.INVALID_ARGUMENT });
      expect(error.retryable).toBe(false);
    });

    it('reports a dispatch strategy mismatch as a configuration error', async () => {
      const topic = uniqueTopic(ns, 'dispatch');
      const reliable = await client.createProducer({ topic, name: 'r', reliableDispatch: true });
      const error = await danubeErrorOf(
        client.createProducer({ topic, name: 'nr', reliableDispatch: false }),
      );
      expect(error).toMatchObject({ kind: 'config', retryable: false });
      expect(error.message).toContain(topic);
      await reliable.close();
    });

    it('refuses a message over the 4 MiB frame limit without retrying', async () => {
      const topic = uniqueTopic(ns, 'oversize');
      const producer = await client.createProducer({ topic, name: 'big' });
      const error = await danubeErrorOf(producer.send(Buffer.alloc(5 * 1024 * 1024)));
      expect(error.retryable).toBe(false);
      expect([status.OUT_OF_RANGE, status.INVALID_ARGUMENT, status.RESOURCE_EXHAUSTED]).toContain(
        error.code,
      );
      await producer.close();
    });

    it('acknowledges 1,000 concurrent sends', async () => {
      const topic = uniqueTopic(ns, 'concurrent');
      const producer = await client.createProducer({ topic, name: 'many' });
      const receipts = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) => producer.send(Buffer.from(String(i)))),
      );
      expect(receipts).toHaveLength(1_000);
      expect(new Set(receipts.map((r) => r.requestId)).size).toBe(1_000);
      await producer.close();
    });

    it('looks up a topic that does not exist yet at the service URL', async () => {
      const result = await client.lookupTopic(uniqueTopic(ns, 'fresh'));
      expect(result.connectUrl).toMatch(/^https?:\/\//);
    });
  });
}
