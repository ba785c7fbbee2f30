import { benchRecord } from '../record.js';
import { connectClient, schemaProducer, type BenchContext } from '../context.js';
import { latencySummary, measureThroughput, sendWithInflight, type Throughput } from '../stats.js';

/** Throughput and per-send latency of a scenario. */
export type MeasuredRun = Throughput & { latency: ReturnType<typeof latencySummary> };

/**
 * The raw client, no runtime: build the 1 KiB record, validate + serialize it with the
 * compiled JSON Schema codec, `producer.send`, with `inflight` sends outstanding at once.
 * `inflight = 64` is the ceiling the windowed runtime is compared with.
 */
export async function rawClientPublish(
  ctx: BenchContext,
  inflight: number,
  messages: number,
): Promise<MeasuredRun> {
  const client = await connectClient(ctx);
  try {
    const topic = ctx.topic(`raw-${inflight}`);
    const { producer, codec } = await schemaProducer(client, topic, 0, `bench-raw-${inflight}`);
    const latencies: bigint[] = [];
    const publish = (count: number, record: boolean): Promise<void> =>
      sendWithInflight(count, inflight, async (id) => {
        const started = process.hrtime.bigint();
        await producer.send(codec.encode({ kind: 'json', value: benchRecord(id) }), {
          key: `device-${id % 64}`,
        });
        if (record) latencies.push(process.hrtime.bigint() - started);
      });
    await publish(ctx.counts.warmup, false);
    const throughput = await measureThroughput(messages, () => publish(messages, true));
    return { ...throughput, latency: latencySummary(latencies) };
  } finally {
    await client.close();
  }
}
