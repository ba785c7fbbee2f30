import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BrokerCallEvent, type EmbeddedBroker } from '../../src/testing/index.js';
import {
  call,
  callError,
  producerRequest,
  streamMessage,
  type RawClients,
  closeBroker,
  openBroker,
  createProducer,
} from './broker-helpers.js';

const TOPIC = '/default/faults';

describe('embedded broker: fault injection and stats', () => {
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

  const send = (payload: string) =>
    call<{ request_id: string }>(
      clients.producer,
      'SendMessage',
      streamMessage(producerId, TOPIC, payload, { request_id: payload.replace(/\D/g, '') || '0' }),
    );
  const sendError = (payload: string) =>
    callError(clients.producer, 'SendMessage', streamMessage(producerId, TOPIC, payload));

  it('fails the next N calls of a method with the chosen code, storing nothing', async () => {
    broker.faults.failNext('SendMessage', 2, status.UNAVAILABLE);
    const first = await sendError('a');
    expect(first.code).toBe(status.UNAVAILABLE);
    expect(first.details).toContain('injected fault');
    expect((await sendError('b')).code).toBe(status.UNAVAILABLE);
    await send('c');
    expect(broker.messages(TOPIC).map((m) => m.payload.toString())).toEqual(['c']);
    expect(broker.stats().injectedFailures).toBe(2);
  });

  it('fails other methods too, with a custom message', async () => {
    broker.faults.failNext('CreateProducer', 1, status.RESOURCE_EXHAUSTED, 'slow down');
    const error = await callError(clients.producer, 'CreateProducer', producerRequest(TOPIC, 'q'));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe('slow down');
    await call(clients.producer, 'CreateProducer', producerRequest(TOPIC, 'q'));
  });

  it('stores a message and then fails its response (the duplicate case)', async () => {
    broker.faults.storeThenFailResponse(1);
    const lost = await sendError('dup');
    expect(lost.code).toBe(status.UNAVAILABLE);
    await send('dup');
    expect(broker.messages(TOPIC).map((m) => m.payload.toString())).toEqual(['dup', 'dup']);
    expect(broker.stats().storedThenFailed).toBe(1);
    broker.faults.storeThenFailResponse(1, status.DEADLINE_EXCEEDED);
    expect((await sendError('x')).code).toBe(status.DEADLINE_EXCEEDED);
  });

  it('answers concurrent sends in reverse order when reordering', async () => {
    broker.faults.reorderResponses(3);
    const completed: string[] = [];
    await Promise.all(
      ['m1', 'm2', 'm3'].map((p) => send(p).then((r) => completed.push(r.request_id))),
    );
    expect(broker.messages(TOPIC).map((m) => m.payload.toString())).toEqual(['m1', 'm2', 'm3']);
    expect(completed).toEqual(['3', '2', '1']);
  });

  it('releases an incomplete group after a quiet period', async () => {
    broker.faults.reorderResponses(10);
    const completed: string[] = [];
    await Promise.all(['m1', 'm2'].map((p) => send(p).then((r) => completed.push(r.request_id))));
    expect(completed).toEqual(['2', '1']);
  });

  it('adds latency, so concurrent sends overlap and the peak concurrency shows it', async () => {
    broker.faults.latency(50, 'SendMessage');
    await Promise.all(Array.from({ length: 8 }, (_, i) => send(`m${i}`)));
    const stats = broker.stats();
    expect(stats.peakConcurrentSends).toBeGreaterThan(1);
    expect(stats.concurrentSends).toBe(0);
    expect(stats.calls.SendMessage).toBe(8);
    expect(stats.storedMessages).toBe(8);
  });

  it('takes 1,000 concurrent sends with latency, all stored with distinct offsets', async () => {
    broker.faults.latency(20, 'SendMessage');
    await Promise.all(Array.from({ length: 1000 }, (_, i) => send(`m${i}`)));
    const messages = broker.messages(TOPIC);
    expect(messages).toHaveLength(1000);
    expect(new Set(messages.map((m) => m.offset)).size).toBe(1000);
    expect(broker.stats().peakConcurrentSends).toBeGreaterThan(100);
  });

  it('sees one send at a time when the client serialises, even with latency', async () => {
    broker.faults.latency(20, 'SendMessage');
    await Promise.all([send('m8'), send('m9')]);
    broker.resetStats();
    expect(broker.stats()).toMatchObject({ peakConcurrentSends: 0, calls: {}, storedMessages: 0 });
    broker.faults.latency(5);
    for (let i = 0; i < 4; i++) await send(`m${i}`);
    expect(broker.stats().peakConcurrentSends).toBe(1);
  });

  it('clears every fault', async () => {
    broker.faults.failNext('SendMessage', 5, status.UNAVAILABLE);
    broker.faults.storeThenFailResponse(5);
    broker.faults.latency(1000);
    broker.faults.reorderResponses(5);
    broker.faults.clear();
    await send('ok');
    expect(broker.messages(TOPIC)).toHaveLength(1);
  });

  it('counts calls per method and emits a call event for each', async () => {
    const seen: BrokerCallEvent[] = [];
    broker.on('call', (event) => seen.push(event));
    await send('m1');
    await callError(clients.discovery, 'TopicLookup', { request_id: '1', topic: '/default/none' });
    expect(seen.map((e) => e.method)).toEqual(['SendMessage', 'TopicLookup']);
    expect(broker.stats().calls).toMatchObject({
      CreateProducer: 1,
      SendMessage: 1,
      TopicLookup: 1,
    });
  });
});
