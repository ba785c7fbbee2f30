import { SourceEnvelope } from '../../src/connector/envelope.js';
import type { Offset } from '../../src/connector/offset.js';
import { connectClient, schemaProducer, type BenchContext } from '../context.js';
import { BenchPollingConnector } from '../connectors.js';
import { latencySummary, measureThroughput } from '../stats.js';
import type { MeasuredRun } from './raw-client.js';

/**
 * The upstream Rust runtime's loop, as a baseline: poll a batch, then for each record
 * serialize, send and wait for the broker's answer before the next one; commit after the
 * batch. One message in flight at any time, on the same 8-partition topic as the
 * runtime's ordered scenario.
 */
export async function sendAndWaitBaseline(
  ctx: BenchContext,
  messages: number,
  partitions = 8,
): Promise<MeasuredRun> {
  const client = await connectClient(ctx);
  try {
    const topic = ctx.topic('send-and-wait');
    const { producer, codec } = await schemaProducer(
      client,
      topic,
      partitions,
      'bench-send-and-wait',
    );
    const latencies: bigint[] = [];
    const run = async (count: number, record: boolean): Promise<void> => {
      const source = new BenchPollingConnector({ topic, total: count, batch: 100 });
      const signal = new AbortController().signal;
      for (;;) {
        const batch = await source.poll(signal);
        if (batch.length === 0) break;
        let last: Offset | undefined;
        for (const item of batch) {
          const envelope = item instanceof SourceEnvelope ? item : SourceEnvelope.of(item);
          const { record: r } = envelope;
          const started = process.hrtime.bigint();
          await producer.send(codec.encode(r.payload), {
            key: r.key,
            attributes: { ...r.attributes },
          });
          if (record) latencies.push(process.hrtime.bigint() - started);
          last = envelope.offset ?? last;
        }
        if (last) await source.commit([last]);
      }
    };
    await run(ctx.counts.warmup, false);
    const throughput = await measureThroughput(messages, () => run(messages, true));
    return { ...throughput, latency: latencySummary(latencies) };
  } finally {
    await client.close();
  }
}
