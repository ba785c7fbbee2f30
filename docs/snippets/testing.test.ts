// How to test a connector: unit tests without a broker, then the conformance kit.
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DanubeClient } from 'danube-connect-core/client';
import {
  SourceConnector,
  SourceRecord,
  type ProducerConfig,
  type SourceMode,
  type SourceSender,
} from 'danube-connect-core';
import {
  InMemorySender,
  PollHarness,
  checkConnectorConformance,
  formatConformanceReport,
  startBroker,
  testCoreConfig,
} from 'danube-connect-core/testing';
import counter from './readme-connector.js';

describe('CounterSource', () => {
  // #region poll-harness
  it('turns counter values into keyed JSON records with offsets', async () => {
    const source = await counter.create({
      core: testCoreConfig(),
      counter: { topic: '/default/counter', limit: 3 },
    });
    const harness = new PollHarness(source, { core: testCoreConfig() });
    await harness.start();

    const polled = await harness.poll();
    expect(polled[0]?.text).toBe('{"n":0}'); // the bytes the runtime would publish
    expect(polled[0]?.key).toBe('device-0');
    expect(polled[0]?.partitionTopic).toBe('/default/counter-part-2'); // FNV-1a mod 4
    expect(polled[0]?.offset?.value).toBe(0);
    await harness.stop();
  });
  // #endregion

  // #region conformance
  it('is a conformant Danube source connector', async () => {
    // The "external system": a counter whose limit grows as records are emitted.
    const external = { topic: '/default/counter', limit: 0 };
    const report = await checkConnectorConformance({
      // a fresh instance per round, reading from the same external system
      create: (config) => counter.create({ ...config, counter: external }),
      config: { connector_name: 'counter' },
      emit: async (n) => {
        external.limit += n; // make the external system hold n more records
      },
      expectedTopics: ['/default/counter'],
    });
    console.log(formatConformanceReport(report));
  }, 180_000);
  // #endregion
});

// #region streaming-connector
class ClickSource extends SourceConnector {
  readonly acked: string[] = [];
  private sender: SourceSender | undefined;

  override mode(): SourceMode {
    return 'streaming';
  }
  override async initialize(): Promise<void> {}
  override producerConfigs(): ProducerConfig[] {
    return [{ topic: '/default/clicks', partitions: 0, reliableDispatch: true }];
  }
  override async startStreaming(sender: SourceSender): Promise<void> {
    this.sender = sender;
  }

  /** Called by the upstream for each click; acknowledges it once Danube stored it. */
  async onClick(id: string, user: string): Promise<void> {
    if (this.sender === undefined) throw new Error('not streaming yet');
    const record = SourceRecord.json('/default/clicks', { id }).withKey(user);
    const receipt = await this.sender.send(record);
    await receipt.delivered;
    this.acked.push(id);
  }
}
// #endregion

describe('ClickSource', () => {
  // #region in-memory-sender
  it('acknowledges upstream only after the runtime reports the record published', async () => {
    const source = new ClickSource();
    const sender = new InMemorySender({ settle: 'manual' });
    await source.startStreaming(sender);

    const click = source.onClick('c-1', 'ada');
    const [sent] = await sender.waitForSent(1);
    expect(sent?.record.key).toBe('ada');
    expect(source.acked).toEqual([]); // handed over, not yet published: no ack

    sender.publish(0); // the receipt settles as published
    await click;
    expect(source.acked).toEqual(['c-1']);
  });
  // #endregion
});

// #region broker-faults
it('rides out a broker restart', async () => {
  const broker = await startBroker({ namespaces: ['default', 'iot'] });
  const client = await DanubeClient.connect({ serviceUrl: broker.url });
  const producer = await client.createProducer({ topic: '/iot/events', name: 'test-producer' });

  broker.faults.failNext('SendMessage', 3, status.UNAVAILABLE); // retried by the client
  await producer.send(Buffer.from('{"a":1}'), { key: 'device-1' });
  await broker.restart({ keepData: true }); // producer ids forgotten: NOT_FOUND → recreated
  await producer.send(Buffer.from('{"a":2}'), { key: 'device-1' });

  const stored = await broker.waitForMessages('/iot/events', 2);
  expect(stored.map((m) => m.payload.toString())).toEqual(['{"a":1}', '{"a":2}']);
  await client.close();
  await broker.close();
});
// #endregion
