/**
 * `npm run bench [-- --quick]`: publishes 1 KiB JSON-Schema-validated records to the
 * embedded broker running in a child process (loopback), measures the raw client, a
 * send-and-wait baseline and the runtime, and prints one JSON report on stdout
 * (shape: bench/report.ts). Progress goes to stderr.
 */
import os from 'node:os';
import { BENCH_NAMESPACE, COUNTS, type BenchContext } from './context.js';
import { startBenchBroker } from './broker.js';
import { RECORD_BYTES } from './record.js';
import { BenchReportSchema, TARGETS, type BenchReport } from './report.js';
import { rawClientPublish } from './scenarios/raw-client.js';
import { sendAndWaitBaseline } from './scenarios/send-and-wait.js';
import {
  coldStart,
  latencyProbe,
  runtimeThroughput,
  slowBrokerBound,
} from './scenarios/runtime.js';
import { round } from './stats.js';

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const counts = quick ? COUNTS.quick : COUNTS.full;
  const broker = await startBenchBroker();
  let topicSeq = 0;
  const ctx: BenchContext = {
    brokerUrl: broker.url,
    counts,
    quick,
    topic: (label) => `/${BENCH_NAMESPACE}/${label}-${topicSeq++}`,
    storedCount: (topic, partitions) => broker.storedCount(topic, partitions),
    setBrokerLatency: (ms) => broker.setSendLatency(ms),
  };
  try {
    progress(`broker ${broker.url} (child process); ${quick ? 'quick' : 'full'} run`);
    progress('raw client, 64 in flight');
    const rawInflight = await rawClientPublish(ctx, 64, counts.rawInflight);
    progress(`  ${rawInflight.msgs_per_s} msg/s`);
    progress('raw client, one at a time');
    const rawSerial = await rawClientPublish(ctx, 1, counts.rawSerial);
    progress(`  ${rawSerial.msgs_per_s} msg/s`);
    progress('send-and-wait baseline (8 partitions)');
    const sendAndWait = await sendAndWaitBaseline(ctx, counts.sendAndWait);
    progress(`  ${sendAndWait.msgs_per_s} msg/s`);

    const runtime = { polling: {}, streaming: {} } as BenchReport['runtime'];
    for (const mode of ['polling', 'streaming'] as const) {
      progress(`runtime ${mode}, ordered, 8 partitions`);
      const ordered = await runtimeThroughput(ctx, {
        mode,
        partitions: 8,
        maxInflight: 1,
        messages: counts.runtime,
      });
      progress(`  ${ordered.msgs_per_s} msg/s`);
      progress(`runtime ${mode}, window 64, 1 partition`);
      const windowed = await runtimeThroughput(ctx, {
        mode,
        partitions: 1,
        maxInflight: 64,
        messages: counts.runtime,
      });
      progress(`  ${windowed.msgs_per_s} msg/s`);
      runtime[mode] = { ordered_8p: ordered, window_64_1p: windowed };
    }
    progress('runtime with the broker 10x slower');
    const slowBroker = await slowBrokerBound(ctx, rawSerial.latency.p50_ms);
    progress(`  peak ${slowBroker.peak_buffered_plus_inflight} / bound ${slowBroker.bound}`);
    progress('publish latency, one record at a time through the runtime');
    const probe = await latencyProbe(ctx);
    progress(`  p50 ${probe.latency.p50_ms} ms, p99 ${probe.latency.p99_ms} ms`);
    progress(
      'LAN-like round trip (1 ms added to every send): send-and-wait vs ordered 8 partitions',
    );
    await ctx.setBrokerLatency(1);
    let lanSendAndWait: Awaited<ReturnType<typeof sendAndWaitBaseline>>;
    let lanOrdered: Awaited<ReturnType<typeof runtimeThroughput>>;
    try {
      lanSendAndWait = await sendAndWaitBaseline(ctx, counts.lan);
      lanOrdered = await runtimeThroughput(ctx, {
        mode: 'polling',
        partitions: 8,
        maxInflight: 1,
        messages: counts.lan,
      });
    } finally {
      await ctx.setBrokerLatency(0);
    }
    progress(`  ${lanSendAndWait.msgs_per_s} vs ${lanOrdered.msgs_per_s} msg/s`);
    progress('cold start to first publish');
    const cold = await coldStart(ctx);
    progress(`  in process ${cold.in_process_ms} ms, child process ${cold.child_process_ms} ms`);

    const windowedPolling = runtime.polling.window_64_1p.msgs_per_s / rawInflight.msgs_per_s;
    const windowedStreaming = runtime.streaming.window_64_1p.msgs_per_s / rawInflight.msgs_per_s;
    const ratios = {
      windowed_vs_raw: round(Math.min(windowedPolling, windowedStreaming), 3),
      windowed_vs_raw_polling: round(windowedPolling, 3),
      windowed_vs_raw_streaming: round(windowedStreaming, 3),
      ordered_8p_vs_send_and_wait: round(
        runtime.polling.ordered_8p.msgs_per_s / sendAndWait.msgs_per_s,
        2,
      ),
      ordered_8p_vs_send_and_wait_streaming: round(
        runtime.streaming.ordered_8p.msgs_per_s / sendAndWait.msgs_per_s,
        2,
      ),
    };
    const report: BenchReport = {
      version: 1,
      quick,
      machine: {
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        cpus: os.availableParallelism(),
        cpu_model: os.cpus()[0]?.model ?? 'unknown',
      },
      setup: {
        record_bytes: RECORD_BYTES,
        schema_type: 'json_schema',
        broker: 'embedded broker in a child process (startBrokerProcess)',
        transport: 'gRPC over loopback (127.0.0.1)',
      },
      raw_client: { inflight_64: rawInflight, one_at_a_time: rawSerial },
      send_and_wait: sendAndWait,
      runtime,
      slow_broker: slowBroker,
      publish_latency: {
        raw_client_one_at_a_time: rawSerial.latency,
        runtime_streaming_one_at_a_time: probe.latency,
        runtime_overhead_p50_ms: round(probe.latency.p50_ms - rawSerial.latency.p50_ms, 3),
      },
      lan_1ms: {
        added_broker_latency_ms: 1,
        send_and_wait: {
          messages: lanSendAndWait.messages,
          seconds: lanSendAndWait.seconds,
          msgs_per_s: lanSendAndWait.msgs_per_s,
        },
        runtime_polling_ordered_8p: {
          messages: lanOrdered.messages,
          seconds: lanOrdered.seconds,
          msgs_per_s: lanOrdered.msgs_per_s,
        },
        ratio_ordered_8p_vs_send_and_wait: round(
          lanOrdered.msgs_per_s / lanSendAndWait.msgs_per_s,
          2,
        ),
      },
      cold_start: cold,
      ratios,
      targets: { ...TARGETS },
      targets_met: {
        windowed_vs_raw: ratios.windowed_vs_raw >= TARGETS.windowed_vs_raw,
        ordered_8p_vs_send_and_wait:
          ratios.ordered_8p_vs_send_and_wait >= TARGETS.ordered_8p_vs_send_and_wait,
      },
    };
    process.stdout.write(`${JSON.stringify(BenchReportSchema.parse(report), null, 2)}\n`);
  } finally {
    await broker.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
