import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { DeliveryResult } from '../../src/connector/sender.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import {
  ListSource,
  subscribeFirst,
  coreFor,
  lastCommitted,
  runPushSource,
  runtimeOptions,
  startRuntime,
  topic,
  useTestBroker,
} from './support.js';

const broker = useTestBroker();

describe('SourceRuntime round trips', () => {
  it('polls records with keys and attributes through to a consumer, then commits', async () => {
    const records = Array.from({ length: 20 }, (_, i) =>
      SourceEnvelope.withOffset(
        SourceRecord.from('/iot/sensors', { id: i, temp: 20 + i / 10 })
          .withKey(`sensor-${i % 3}`)
          .withAttribute('source', 'test'),
        Offset.of('table', i),
      ),
    );
    const sensors = topic('/iot/sensors');
    const consumer = await subscribeFirst(broker().url, sensors);
    const source = new ListSource({
      topics: [sensors],
      batches: [records.slice(0, 7), records.slice(7)],
    });
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    const run = startRuntime(runtime);

    await broker().waitForMessages('/iot/sensors', 20);
    const received = await consumer.take(20);
    await source.exhausted();
    await run.stop();

    expect(received.map((m) => JSON.parse(m.payload.toString()) as unknown)).toEqual(
      records.map((e) => (e.record.payload as { value: unknown }).value),
    );
    expect(received.map((m) => m.key)).toEqual(records.map((e) => e.record.key));
    expect(received.every((m) => m.attributes.source === 'test')).toBe(true);
    expect(received[0]?.producerName).toBe('test-conn-iot-sensors');
    expect(lastCommitted(source.lifecycle.commits).get('table')).toBe(19);
    expect(source.lifecycle.calls.slice(0, 3)).toEqual(['initialize', 'producerConfigs', 'poll']);
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
  });

  it('streams records and settles each receipt after publish, keyed records on their partition', async () => {
    const events = topic('/default/events', 3);
    const consumer = await subscribeFirst(broker().url, events);
    const { source, run } = runPushSource(broker(), [events]);
    const sender = await source.sender;

    const receipts = [];
    for (let i = 0; i < 30; i++) {
      receipts.push(
        await sender.send(
          SourceEnvelope.withOffset(
            SourceRecord.json('/default/events', { n: i })
              .withKey(`k${i % 5}`)
              .withAttributes({ n: String(i) }),
            Offset.of('stream', i),
          ),
        ),
      );
    }
    const results: DeliveryResult[] = await Promise.all(receipts.map((r) => r.delivered));
    expect(results.every((r) => r.status === 'published')).toBe(true);

    const received = await consumer.take(30);
    await run.stop();

    // every key lands on one partition, in send order
    const byKey = new Map<string, { topics: Set<string>; order: number[] }>();
    for (const m of received) {
      const entry = byKey.get(m.key ?? '') ?? { topics: new Set(), order: [] };
      entry.topics.add(m.topic);
      entry.order.push(Number(m.attributes.n));
      byKey.set(m.key ?? '', entry);
    }
    expect(byKey.size).toBe(5);
    for (const { topics, order } of byKey.values()) {
      expect(topics.size).toBe(1);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const published = results[0];
    expect(
      published?.status === 'published' && published.topic.startsWith('/default/events-part-'),
    ).toBe(true);
    expect(lastCommitted(source.lifecycle.commits).get('stream')).toBe(29);
    expect(source.lifecycle.calls).toEqual([
      'initialize',
      'producerConfigs',
      'startStreaming',
      'shutdown',
    ]);
  });
});
