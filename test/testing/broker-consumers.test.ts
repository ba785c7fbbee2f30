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

/** A reliable topic: stored messages, acks, redelivery. */
const TOPIC = '/default/events';

describe('embedded broker: consumers', () => {
  let broker: EmbeddedBroker;
  let clients: RawClients;
  let producerId: string;

  beforeEach(async () => {
    ({ broker, clients } = await openBroker({ maxUnackedMessages: 3 }));
    producerId = await createProducer(clients, TOPIC, 'p', { dispatch_strategy: 'Reliable' });
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
    topic = TOPIC,
  ): Promise<string> {
    const response = await call<{ consumer_id: string }>(clients.consumer, 'Subscribe', {
      request_id: '1',
      topic_name: topic,
      consumer_name: name,
      subscription,
      subscription_type: type,
      key_filters: [],
    });
    return response.consumer_id;
  }

  function ack(message: ReceivedMsg, subscription = 'sub'): Promise<unknown> {
    return call(clients.consumer, 'Ack', {
      request_id: '1',
      msg_id: message.msg_id,
      subscription_name: subscription,
    });
  }

  /** Reads `count` messages one at a time, acking each (the unacked window stays open). */
  async function takeAcking(
    stream: ReturnType<typeof receive>,
    count: number,
    subscription: string,
  ): Promise<ReceivedMsg[]> {
    const taken: ReceivedMsg[] = [];
    while (taken.length < count) {
      const [message] = await stream.next();
      taken.push(message as ReceivedMsg);
      await ack(message as ReceivedMsg, subscription);
    }
    return taken;
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

  it('starts a new subscription at the end of the topic, then streams with offsets, attributes, key and names', async () => {
    await send('before the subscription');
    const consumerId = await subscribe('sub', 'c');
    await send('first', {
      request_id: '77',
      attributes: { a: '1' },
      routing_key: 'k1',
      publish_time: '1700000000000',
      producer_name: 'p',
    });
    const stream = receive(clients.consumer, consumerId);
    const [first] = await stream.next();
    // the real broker passes the producer's request id and (empty) subscription name through
    expect(first).toMatchObject({
      request_id: '77',
      msg_id: {
        producer_id: producerId,
        topic_name: TOPIC,
        topic_offset: '1',
        broker_addr: broker.url,
      },
      publish_time: '1700000000000',
      producer_name: 'p',
      subscription_name: '',
      attributes: { a: '1' },
      routing_key: 'k1',
    });
    expect(first?.payload.toString()).toBe('first');
    expect(first?.schema_id).toBeUndefined();
    await send('second');
    const [second] = await stream.next();
    expect(second?.msg_id.topic_offset).toBe('2');
    expect(second?.routing_key).toBeUndefined();
    stream.cancel();
  });

  it('keeps at most maxUnackedMessages delivered and unacked on a reliable topic', async () => {
    const consumerId = await subscribe('sub', 'c');
    for (let i = 0; i < 5; i++) await send(`m${i}`);
    const stream = receive(clients.consumer, consumerId);
    const window = await stream.next(3);
    expect(window.map((m) => m.payload.toString())).toEqual(['m0', 'm1', 'm2']);
    expect(broker.subscriptions(TOPIC)[0]?.pending).toEqual([0n, 1n, 2n]);
    await ack(window[0] as ReceivedMsg);
    const [next] = await stream.next();
    expect(next?.payload.toString()).toBe('m3');
    expect(broker.subscriptions(TOPIC)[0]?.pending).toEqual([1n, 2n, 3n]);
    stream.cancel();
  });

  it('fires and forgets on a non-reliable topic: offset 0, no redelivery, lost while nobody listens', async () => {
    const topic = '/default/live';
    const liveProducer = await createProducer(clients, topic);
    const sendLive = (payload: string): Promise<unknown> =>
      call(clients.producer, 'SendMessage', streamMessage(liveProducer, topic, payload));
    await sendLive('before the subscription');
    const consumerId = await subscribe('sub', 'c', 'Exclusive', topic);
    await sendLive('waits for the stream');
    const first = receive(clients.consumer, consumerId);
    const [waited] = await first.next();
    expect(waited?.payload.toString()).toBe('waits for the stream');
    expect(waited?.msg_id.topic_offset).toBe('0');
    await sendLive('unacked');
    const [unacked] = await first.next();
    await call(clients.consumer, 'Nack', {
      request_id: '1',
      msg_id: unacked?.msg_id,
      subscription_name: 'sub',
      delay_ms: '0',
    });
    expect(broker.subscriptions(topic)[0]).toMatchObject({ pending: [], acked: [] });
    const disconnected = consumerEvent(broker, (e) => e.id === consumerId && !e.connected);
    first.cancel();
    await disconnected;
    await sendLive('lost while disconnected');
    expect(await subscribe('sub', 'c', 'Exclusive', topic)).toBe(consumerId);
    const second = receive(clients.consumer, consumerId);
    await sendLive('after reconnecting');
    const [next] = await second.next();
    expect(next?.payload.toString()).toBe('after reconnecting');
    await ack(next as ReceivedMsg);
    expect(broker.messages(topic)).toHaveLength(5);
    second.cancel();
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
    const consumerId = await subscribe('sub', 'c');
    await send('m0');
    await send('m1');
    const stream = receive(clients.consumer, consumerId);
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
    const consumerId = await subscribe('sub', 'c');
    await send('m0');
    await send('m1');
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
    const [fromA, fromB] = await Promise.all([
      takeAcking(a, 2, 'shared'),
      takeAcking(b, 2, 'shared'),
    ]);
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
    const [fromK1, fromK2, failover] = await Promise.all([
      takeAcking(k1, toK1.length, 'keyed'),
      takeAcking(k2, keys.length - toK1.length, 'keyed'),
      takeAcking(f1, keys.length, 'failover'),
    ]);
    expect(fromK1.map((m) => m.routing_key)).toEqual(toK1);
    expect(fromK2.map((m) => m.routing_key)).toEqual(keys.filter((k) => owner(k) === 1));
    expect(failover.map((m) => m.payload.toString())).toEqual(keys.map((_, i) => `m${i}`));
    expect(broker.subscriptions(TOPIC).find((s) => s.name === 'failover')?.acked).toHaveLength(
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
