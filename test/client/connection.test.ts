import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { DanubeClient, type DanubeClientOptions } from '../../src/client/index.js';
import {
  startBroker,
  startBrokerProcess,
  type BrokerCallEvent,
  type BrokerMethod,
  type BrokerProcess,
  type EmbeddedBroker,
} from '../../src/testing/index.js';
import { FAST_RETRY, danubeErrorOf, uniqueTopic } from './core-suite.js';

/** Resolves once the broker has seen `count` calls of `method`. */
function calls(broker: EmbeddedBroker, method: BrokerMethod, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const listener = (event: BrokerCallEvent): void => {
      if (event.method !== method || ++seen < count) return;
      broker.off('call', listener);
      resolve();
    };
    broker.on('call', listener);
  });
}

describe('DanubeClient connections: GOAWAY, dead connections, deadlines, size limits', () => {
  let broker: EmbeddedBroker | undefined;
  let brokerProcess: BrokerProcess | undefined;
  let client: DanubeClient | undefined;

  async function connect(url: string, options: Partial<DanubeClientOptions> = {}) {
    client = await DanubeClient.connect({ serviceUrl: url, retry: FAST_RETRY, ...options });
    return client;
  }

  afterEach(async () => {
    await client?.close();
    await broker?.close();
    await brokerProcess?.close();
    client = undefined;
    broker = undefined;
    brokerProcess = undefined;
  });

  it('finishes calls in flight when the broker sends GOAWAY, and sends later ones on a new connection', async () => {
    broker = await startBroker();
    const c = await connect(broker.url, { retry: false });
    const topic = uniqueTopic('default', 'goaway');
    const producer = await c.createProducer({ topic, name: 'drained' });
    const connectionsBefore = broker.stats().connections;
    broker.faults.latency(200, 'SendMessage');
    const arrived = calls(broker, 'SendMessage', 10);
    const inFlight = Array.from({ length: 10 }, (_, i) => producer.send(Buffer.from(`in-${i}`)));
    await arrived;
    const drained = broker.drain();
    // every call that reached the broker before GOAWAY completes, without a retry
    await expect(Promise.all(inFlight)).resolves.toHaveLength(10);
    await drained;
    broker.faults.latency(0, 'SendMessage');
    await producer.send(Buffer.from('after'));
    expect(broker.stats().connections).toBe(connectionsBefore + 1);
    expect(broker.messages(topic)).toHaveLength(11);
  });

  it('rides out a graceful broker restart: GOAWAY, down, back up, producer recreated', async () => {
    broker = await startBroker();
    const c = await connect(broker.url, { healthCheckIntervalMs: 600_000 });
    const topic = uniqueTopic('default', 'graceful');
    const producer = await c.createProducer({ topic, name: 'graceful' });
    broker.faults.latency(100, 'SendMessage');
    const arrived = calls(broker, 'SendMessage', 5);
    const inFlight = Array.from({ length: 5 }, (_, i) => producer.send(Buffer.from(`in-${i}`)));
    await arrived;
    await broker.drain();
    await expect(Promise.all(inFlight)).resolves.toHaveLength(5);
    await broker.restart();
    broker.faults.latency(0, 'SendMessage');
    const oldId = producer.producerIds()[0];
    await producer.send(Buffer.from('after restart'));
    expect(producer.producerIds()[0]).not.toBe(oldId);
    expect(broker.messages(topic).map((m) => m.payload.toString())).toContain('after restart');
  });

  it.skipIf(process.platform === 'win32')(
    'notices a broker that stopped answering through keepalive pings, then dials again',
    async () => {
      brokerProcess = await startBrokerProcess();
      const c = await connect(brokerProcess.url, {
        retry: false,
        requestTimeoutMs: 60_000,
        keepaliveIntervalMs: 100,
        keepaliveTimeoutMs: 200,
      });
      const topic = uniqueTopic('default', 'keepalive');
      const producer = await c.createProducer({ topic, name: 'pinger' });
      await producer.send(Buffer.from('before'));
      // A stopped process keeps its sockets open and answers nothing, like a dead host
      // behind a connection nobody closed: only the unanswered PING can tell.
      process.kill(brokerProcess.pid, 'SIGSTOP');
      let error;
      try {
        error = await danubeErrorOf(producer.send(Buffer.from('lost')));
      } finally {
        process.kill(brokerProcess.pid, 'SIGCONT');
      }
      expect(error).toMatchObject({
        kind: 'unavailable',
        code: status.UNAVAILABLE,
        retryable: true,
      });
      await producer.send(Buffer.from('after'));
      expect(await brokerProcess.messageCount(topic)).toBeGreaterThanOrEqual(2);
      expect((await brokerProcess.stats()).connections).toBeGreaterThanOrEqual(2);
    },
  );

  it('fails a call past its deadline with DEADLINE_EXCEEDED and sends the deadline along', async () => {
    broker = await startBroker();
    const c = await connect(broker.url, { retry: false, requestTimeoutMs: 300 });
    const topic = uniqueTopic('default', 'deadline');
    const producer = await c.createProducer({ topic, name: 'late' });
    broker.faults.latency(60_000, 'SendMessage');
    const seen = new Promise<BrokerCallEvent>((resolve) =>
      broker?.on('call', (event) => event.method === 'SendMessage' && resolve(event)),
    );
    const error = await danubeErrorOf(producer.send(Buffer.from('slow')));
    expect(error).toMatchObject({
      kind: 'unavailable',
      code: status.DEADLINE_EXCEEDED,
      retryable: true,
      topic,
      producer: 'late',
    });
    const { timeoutMs } = await seen;
    expect(timeoutMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeLessThanOrEqual(300);
    broker.faults.clear();
  });

  it('carries a message just under the broker’s 4 MiB limit, over many HTTP/2 frames', async () => {
    broker = await startBroker();
    const c = await connect(broker.url, { retry: false });
    const topic = uniqueTopic('default', 'large');
    const producer = await c.createProducer({ topic, name: 'large' });
    const payload = Buffer.alloc(4 * 1024 * 1024 - 64 * 1024, 7);
    const [first, second] = await Promise.all([producer.send(payload), producer.send(payload)]);
    expect(first?.requestId).not.toBe(second?.requestId);
    const stored = broker.messages(topic);
    expect(stored).toHaveLength(2);
    expect(stored[0]?.payload.equals(payload)).toBe(true);
  });
});
