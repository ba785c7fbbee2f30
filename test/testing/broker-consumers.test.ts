import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fnv1a64 } from '../../src/client/routing.js';
import { type EmbeddedBroker } from '../../src/testing/index.js';
import {
  call,
  callAfterRestart,
  callError,
  consumerEvent,
  receive,
  streamMessage,
  type RawClients,
  type ReceivedMsg,
  closeBroker,
  openBroker,
  createProducer,
} from './broker-helpers.js';

const TOPIC = '/default/events';

describe('embedded broker: consumers', () => {
  let broker: EmbeddedBroker;
  let clients: RawClients;
  let producerId: string;

  beforeEach(async () => {
    ({ broker, clients } = await openBroker());
    producerId = await createProducer(clients, TOPIC);
  });

  afterEach(async () => {
    await closeBroker({ broker, clients });
  });

  async function send(payload: string, extra: Record<string, unknown> = {}): Promise<void> {
    await call(clients.producer, 'SendMessage', streamMessage(producerId, TOPIC, payload, extra));
  }

  async function subscribe(
    subscription: string,
    name: string,
    type = 'Exclusive',
  ): Promise<string> {
    const response = await call<{ consumer_id: string }>(clients.consumer, 'Subscribe', {
      request_id: '1',
      topic_name: TOPIC,
      consumer_name: name,
      subscription,
      subscription_type: type,
      key_filters: [],
    });
    return response.consumer_id;
  }

  function ack(message: ReceivedMsg): Promise<unknown> {
    return call(clients.consumer, 'Ack', {
      request_id: '1',
      msg_id: message.msg_id,
      subscription_name: message.subscription_name,
    });
  }

  it('refuses to subscribe to a topic that does not exist (NOT_FOUND)', async () => {
    const error = await callError(clients.consumer, 'Subscribe', {
      request_id: '1',
      topic_name: '/default/nothing',
      consumer_name: 'c',
      subscription: 's',
      subscription_type: 'Exclusive',
    });
    expect(error.code).toBe(status.NOT_FOUND);
  });

  it('delivers stored then live messages with offsets, attributes, key, schema fields and names', async () => {
    await send('first', {
      attributes: { a: '1' },
      routing_key: 'k1',
      publish_time: '1700000000000',
      producer_name: 'p',
    });
    const consumerId = await subscribe('sub', 'c');
    const stream = receive(clients.consumer, consumerId);
    const [first] = await stream.next();
    expect(first).toMatchObject({
      msg_id: {
        producer_id: producerId,
        topic_name: TOPIC,
        topic_offset: '0',
        broker_addr: broker.url,
      },
      publish_time: '1700000000000',
      producer_name: 'p',
      subscription_name: 'sub',
      attributes: { a: '1' },
      routing_key: 'k1',
    });
    expect(first?.payload.toString()).toBe('first');
    expect(first?.schema_id).toBeUndefined();
    await send('second');
    const [second] = await stream.next();
    expect(second?.msg_id.topic_offset).toBe('1');
    expect(second?.routing_key).toBeUndefined();
    stream.cancel();
  });

  it('is idempotent by consumer name and refuses a second consumer on an Exclusive subscription', async () => {
    const id = await subscribe('sub', 'c');
    expect(await subscribe('sub', 'c')).toBe(id);
    const error = await callError(clients.consumer, 'Subscribe', {
      request_id: '1',
      topic_name: TOPIC,
      consumer_name: 'other',
      subscription: 'sub',
      subscription_type: 'Exclusive',
    });
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.details).toContain("the Exclusive subscription can't be shared");
    expect(broker.subscriptions(TOPIC)[0]?.consumers.map((c) => c.name)).toEqual(['c']);
  });

  it('answers HealthCheck OK for a known consumer and CLOSE after a restart', async () => {
    const id = await subscribe('sub', 'c');
    expect(
      await call(clients.health, 'HealthCheck', { request_id: '1', client: 'Consumer', id }),
    ).toEqual({
      status: 'OK',
    });
    await broker.restart();
    expect(
      await callAfterRestart(clients.health, 'HealthCheck', {
        request_id: '1',
        client: 'Consumer',
        id,
      }),
    ).toEqual({ status: 'CLOSE' });
  });

  it('records acks and redelivers a nacked message', async () => {
    await send('m0');
    await send('m1');
    const stream = receive(clients.consumer, await subscribe('sub', 'c'));
    const [m0, m1] = await stream.next(2);
    await ack(m0 as ReceivedMsg);
    await call(clients.consumer, 'Nack', {
      request_id: '2',
      msg_id: m1?.msg_id,
      subscription_name: 'sub',
      delay_ms: '20',
    });
    const [again] = await stream.next();
    expect(again?.payload.toString()).toBe('m1');
    await ack(again as ReceivedMsg);
    const info = broker.subscriptions(TOPIC)[0];
    expect(info?.acked).toEqual([0n, 1n]);
    expect(info?.pending).toEqual([]);
    expect(info?.redelivered).toEqual([1n]);
    stream.cancel();
  });

  it('redelivers unacked messages when the consumer reconnects after its stream ended', async () => {
    await send('m0');
    await send('m1');
    const consumerId = await subscribe('sub', 'c');
    const first = receive(clients.consumer, consumerId);
    const [m0] = await first.next(2);
    await ack(m0 as ReceivedMsg);
    const disconnected = consumerEvent(broker, (e) => e.id === consumerId && !e.connected);
    first.cancel();
    await disconnected;
    expect(broker.subscriptions(TOPIC)[0]?.pending).toEqual([]);
    const health = { request_id: '1', client: 'Consumer', id: consumerId };
    expect(await call(clients.health, 'HealthCheck', health)).toEqual({ status: 'CLOSE' });
    expect(await subscribe('sub', 'c')).toBe(consumerId);
    expect(await call(clients.health, 'HealthCheck', health)).toEqual({ status: 'OK' });
    const second = receive(clients.consumer, consumerId);
    const [redelivered] = await second.next();
    expect(redelivered?.payload.toString()).toBe('m1');
    expect(redelivered?.msg_id.topic_offset).toBe('1');
    second.cancel();
  });

  it('shares messages round-robin on a Shared subscription', async () => {
    const idA = await subscribe('shared', 'a', 'Shared');
    const idB = await subscribe('shared', 'b', 'Shared');
    const connected = Promise.all([
      consumerEvent(broker, (e) => e.id === idA && e.connected),
      consumerEvent(broker, (e) => e.id === idB && e.connected),
    ]);
    const a = receive(clients.consumer, idA);
    const b = receive(clients.consumer, idB);
    await connected;
    for (let i = 0; i < 4; i++) await send(`m${i}`);
    const fromA = await a.next(2);
    const fromB = await b.next(2);
    expect([...fromA, ...fromB].map((m) => m.payload.toString()).sort()).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
    ]);
    a.cancel();
    b.cancel();
  });

  it('routes by key on a KeyShared subscription and to the first consumer on Failover', async () => {
    const ids = {
      k1: await subscribe('keyed', 'k1', 'KeyShared'),
      k2: await subscribe('keyed', 'k2', 'KeyShared'),
      f1: await subscribe('failover', 'f1', 'Failover'),
      f2: await subscribe('failover', 'f2', 'Failover'),
    };
    const connected = Promise.all(
      Object.values(ids).map((id) => consumerEvent(broker, (e) => e.id === id && e.connected)),
    );
    const k1 = receive(clients.consumer, ids.k1);
    const k2 = receive(clients.consumer, ids.k2);
    const f1 = receive(clients.consumer, ids.f1);
    const f2 = receive(clients.consumer, ids.f2);
    await connected;
    const keys = ['a', 'b', 'c', 'device-42', 'a', 'b', 'c', 'device-42'];
    for (const [i, key] of keys.entries()) await send(`m${i}`, { routing_key: key });
    // documented rule: fnv1a64(key) mod connected consumers, in subscription order
    const owner = (key: string): number => Number(fnv1a64(key) % 2n);
    const toK1 = keys.filter((k) => owner(k) === 0);
    const fromK1 = await k1.next(toK1.length);
    const fromK2 = await k2.next(keys.length - toK1.length);
    expect(fromK1.map((m) => m.routing_key)).toEqual(toK1);
    expect(fromK2.map((m) => m.routing_key)).toEqual(keys.filter((k) => owner(k) === 1));
    const failover = await f1.next(keys.length);
    expect(failover.map((m) => m.payload.toString())).toEqual(keys.map((_, i) => `m${i}`));
    expect(broker.subscriptions(TOPIC).find((s) => s.name === 'failover')?.pending).toHaveLength(
      keys.length,
    );
    for (const stream of [k1, k2, f1, f2]) stream.cancel();
  });

  it('answers ReceiveMessages NOT_FOUND for an unknown consumer id', async () => {
    const stream = receive(clients.consumer, '42');
    await stream.ended;
    expect(broker.stats().calls.ReceiveMessages).toBe(1);
  });
});
