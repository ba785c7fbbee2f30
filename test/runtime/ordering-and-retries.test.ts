import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { DeliveryReceipt } from '../../src/connector/sender.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import type { StoredMessage } from '../../src/testing/index.js';
import {
  ListSource,
  PushSource,
  coreFor,
  lastCommitted,
  runPushSource,
  runtimeOptions,
  startRuntime,
  topic,
  useTestBroker,
} from './support.js';

const broker = useTestBroker();

const seq = (m: StoredMessage): number => Number(m.attributes.seq);

/** Messages of every partition topic of `name`, by partition topic. */
function partitionsOf(name: string, partitions: number): Map<string, StoredMessage[]> {
  const out = new Map<string, StoredMessage[]>();
  for (let i = 0; i < partitions; i++)
    out.set(`${name}-part-${i}`, broker().messages(`${name}-part-${i}`));
  return out;
}

function records(name: string, count: number, keys = 8): SourceEnvelope[] {
  return Array.from({ length: count }, (_, i) =>
    SourceEnvelope.withOffset(
      SourceRecord.json(name, { i })
        .withKey(`key-${i % keys}`)
        .withAttribute('seq', String(i)),
      Offset.of('src', i),
    ),
  );
}

async function publishAll(
  source: PushSource,
  envelopes: SourceEnvelope[],
): Promise<{ receipts: DeliveryReceipt[] }> {
  const sender = await source.sender;
  const receipts = await sender.sendBatch(envelopes);
  await Promise.all(receipts.map((r) => r.delivered));
  return { receipts };
}

describe('SourceRuntime ordering and retries', () => {
  it('keeps each partition in hand-over order while the broker answers out of order and fails some sends', async () => {
    const { source, runtime, run } = runPushSource(broker(), [topic('/default/orders', 4)]);
    await source.sender;
    broker().faults.reorderResponses(4);
    broker().faults.failNext('SendMessage', 6, GrpcStatus.UNAVAILABLE);
    await publishAll(source, records('/default/orders', 400));
    await run.stop();

    let total = 0;
    for (const [, messages] of partitionsOf('/default/orders', 4)) {
      total += messages.length;
      const order = messages.map(seq);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(total).toBe(400);
    expect(broker().stats().injectedFailures).toBe(6);
    // several partitions were in flight at once (pipelined across partitions)
    expect(broker().stats().peakConcurrentSends).toBeGreaterThan(1);
    expect(runtime.state.snapshot().totals.retries).toBeGreaterThanOrEqual(6);
    expect(lastCommitted(source.lifecycle.commits).get('src')).toBe(399);
  });

  it('rides out an UNAVAILABLE burst without losing records', async () => {
    const envelopes = records('/default/burst', 200, 3);
    const source = new ListSource({
      topics: [topic('/default/burst', 2)],
      batches: [envelopes.slice(0, 100), envelopes.slice(100)],
    });
    broker().faults.failNext('SendMessage', 25, GrpcStatus.UNAVAILABLE);
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    const run = startRuntime(runtime);
    await source.exhausted();
    await run.stop();
    const parts = partitionsOf('/default/burst', 2);
    const stored = [...parts.values()].flat();
    expect(new Set(stored.map(seq)).size).toBe(200);
    expect(stored).toHaveLength(200);
    expect(broker().stats().injectedFailures).toBe(25);
    for (const messages of parts.values()) {
      const order = messages.map(seq);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(lastCommitted(source.lifecycle.commits).get('src')).toBe(199);
  });

  it('rides out a broker restart: every record published, per-partition order kept', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/restart', 2)], {
      retry: { publish_timeout_ms: 20_000 },
    });
    const sender = await source.sender;
    const envelopes = records('/default/restart', 300, 4);
    const first = await sender.sendBatch(envelopes.slice(0, 150));
    await broker().waitForMessages('/default/restart-part-0', 10);
    await broker().restart({ keepData: true });
    const second = await sender.sendBatch(envelopes.slice(150));
    const results = await Promise.all([...first, ...second].map((r) => r.delivered));
    await run.stop();

    expect(results.every((r) => r.status === 'published')).toBe(true);
    const parts = partitionsOf('/default/restart', 2);
    const all = [...parts.values()].flat();
    expect(new Set(all.map(seq)).size).toBe(300);
    for (const messages of parts.values()) {
      // first occurrences in order (a resend after the restart may duplicate, never reorder)
      const firsts = messages.map(seq).filter((s, i, list) => list.indexOf(s) === i);
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    }
    expect(lastCommitted(source.lifecycle.commits).get('src')).toBe(299);
  });

  it('keeps the buffered + in-flight count at buffer_size against a slow broker', async () => {
    const bufferSize = 16;
    const { source, runtime, run } = runPushSource(broker(), [topic('/default/slow', 2)], {
      processing: { buffer_size: bufferSize, max_inflight_per_partition: 4 },
    });
    const sender = await source.sender;
    broker().faults.latency(20, 'SendMessage');
    const envelopes = records('/default/slow', 120, 5);
    let maxSeen = 0;
    const receipts: DeliveryReceipt[] = [];
    for (const envelope of envelopes) {
      receipts.push(await sender.send(envelope));
      maxSeen = Math.max(maxSeen, runtime.stats.accepted);
    }
    await Promise.all(receipts.map((r) => r.delivered));
    const stats = runtime.stats;
    await run.stop();
    expect(maxSeen).toBe(bufferSize);
    expect(stats.peakAccepted).toBe(bufferSize);
    expect(broker().stats().peakConcurrentSends).toBeLessThanOrEqual(8);
    expect(
      broker().messages('/default/slow-part-0').length +
        broker().messages('/default/slow-part-1').length,
    ).toBe(120);
  });

  it('publishes a lone streaming record without waiting for batch_timeout_ms', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/lone')], {
      processing: { batch_timeout_ms: 600_000, batch_size: 1_000 },
    });
    const sender = await source.sender;
    const receipt = await sender.send(
      SourceEnvelope.withOffset(SourceRecord.string('/default/lone', 'hi'), Offset.of('s', 1)),
    );
    // bounded far below batch_timeout_ms, generously for a loaded machine
    const [message] = await broker().waitForMessages('/default/lone', 1, { timeoutMs: 60_000 });
    expect(message?.payload.toString()).toBe('hi');
    await expect(receipt.delivered).resolves.toMatchObject({
      status: 'published',
      topic: '/default/lone',
    });
    await run.stop();
    // committed when the pipeline went idle, not after the 10-minute batch timeout
    expect(source.lifecycle.commits.flat().map(String)).toEqual(['s@1']);
  });

  it('opens a window of sends per partition with max_inflight_per_partition', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/window')], {
      processing: { max_inflight_per_partition: 8 },
    });
    await source.sender;
    broker().faults.latency(5, 'SendMessage');
    await publishAll(source, records('/default/window', 100, 1));
    await run.stop();
    expect(broker().stats().peakConcurrentSends).toBeGreaterThan(1);
    expect(broker().stats().peakConcurrentSends).toBeLessThanOrEqual(8);
    expect(broker().messages('/default/window')).toHaveLength(100);
  });
});

describe('SourceRuntime producer loss', () => {
  it('recovers when the broker forgets a producer mid-stream (CLOSE / NOT_FOUND), order kept', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/dropped', 2)]);
    const sender = await source.sender;
    const envelopes = records('/default/dropped', 120, 4);
    const first = await sender.sendBatch(envelopes.slice(0, 60));
    await Promise.all(first.map((r) => r.delivered));
    broker().faults.dropProducer('test-conn-default-dropped-0');
    broker().faults.dropProducer('test-conn-default-dropped-1');
    const second = await sender.sendBatch(envelopes.slice(60));
    await Promise.all(second.map((r) => r.delivered));
    await run.stop();
    const parts = partitionsOf('/default/dropped', 2);
    expect(new Set([...parts.values()].flat().map(seq)).size).toBe(120);
    for (const messages of parts.values()) {
      const order = messages.map(seq);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});
