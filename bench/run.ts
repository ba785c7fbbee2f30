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
import { BenchReportSchema, TARGETS, type BenchReport, type RuntimeRun } from './report.js';
import { rawClientPublish, type MeasuredRun } from './scenarios/raw-client.js';
import { sendAndWaitBaseline } from './scenarios/send-and-wait.js';
import {
  coldStart,
  latencyProbe,
  runtimeThroughput,
  slowBrokerBound,
  type RuntimeScenario,
} from './scenarios/runtime.js';
import { transportCeiling, type TransportCeiling } from './scenarios/transport-ceiling.js';
import { round, type Throughput } from './stats.js';
import { testCoreConfig } from '../src/testing/harness/core-config.js';

/** The `buffer_size` compared with the default (10 000 was the default until it was measured). */
const LARGE_BUFFER = 10_000;
const DEFAULT_BUFFER_SIZE = testCoreConfig().processing.buffer_size;

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const counts = quick ? COUNTS.quick : COUNTS.full;
  let topicSeq = 0;
  /**
   * Runs one scenario against a fresh broker process: the broker keeps every message it
   * stores, and a heap grown by earlier scenarios would slow down later ones.
   */
  const withBroker = async <T>(scenario: (ctx: BenchContext) => Promise<T>): Promise<T> => {
    const broker = await startBenchBroker();
    try {
      return await scenario({
        brokerUrl: broker.url,
        counts,
        quick,
        topic: (label) => `/${BENCH_NAMESPACE}/${label}-${topicSeq++}`,
        storedCount: (topic, partitions) => broker.storedCount(topic, partitions),
        setBrokerLatency: (ms) => broker.setSendLatency(ms),
      });
    } finally {
      await broker.close();
    }
  };
  progress(
    `broker in a child process (startBrokerProcess), a fresh one per scenario; ${quick ? 'quick' : 'full'} run`,
  );
  // Every scenario runs `reps` times, interleaved (raw, baseline and runtime side by side
  // in each round), after one discarded warm-up round; the median run is reported. A busy
  // or throttled machine then shifts all figures alike instead of one of them.
  const reps = quick ? 1 : 5;
  const withRuntime = (scenario: RuntimeScenario) =>
    withBroker((ctx) => runtimeThroughput(ctx, scenario));
  const scenarios = {
    raw64: () => withBroker((ctx) => rawClientPublish(ctx, 64, counts.rawInflight)),
    raw1: () => withBroker((ctx) => rawClientPublish(ctx, 1, counts.rawSerial)),
    sendAndWait: () => withBroker((ctx) => sendAndWaitBaseline(ctx, counts.sendAndWait)),
    pollingOrdered: () =>
      withRuntime({
        mode: 'polling',
        partitions: 8,
        maxInflight: 1,
        messages: counts.runtime,
      }),
    pollingWindowed: () =>
      withRuntime({
        mode: 'polling',
        partitions: 1,
        maxInflight: 64,
        messages: counts.runtime,
      }),
    streamingOrdered: () =>
      withRuntime({
        mode: 'streaming',
        partitions: 8,
        maxInflight: 1,
        messages: counts.runtime,
      }),
    pollingWindowedBuffer10k: () =>
      withRuntime({
        mode: 'polling',
        partitions: 1,
        maxInflight: 64,
        messages: counts.runtime,
        bufferSize: LARGE_BUFFER,
      }),
    streamingWindowed: () =>
      withRuntime({
        mode: 'streaming',
        partitions: 1,
        maxInflight: 64,
        messages: counts.runtime,
      }),
  } as const;
  type Name = keyof typeof scenarios;
  if (!quick) {
    progress('warm-up round (discarded)');
    await withBroker((ctx) => rawClientPublish(ctx, 64, counts.warmup * 2));
    await withRuntime({
      mode: 'polling',
      partitions: 1,
      maxInflight: 64,
      messages: counts.warmup * 2,
    });
  }
  const samples = new Map<Name, Array<Awaited<ReturnType<(typeof scenarios)[Name]>>>>();
  const transportRuns: TransportCeiling[] = [];
  for (let rep = 1; rep <= reps; rep += 1) {
    for (const name of Object.keys(scenarios) as Name[]) {
      const result = await scenarios[name]();
      samples.set(name, [...(samples.get(name) ?? []), result]);
      progress(`round ${rep}/${reps} ${name}: ${result.msgs_per_s} msg/s`);
    }
    const transport = await transportCeiling({
      serial: counts.transportSerial,
      inflight: counts.transportInflight,
    });
    transportRuns.push(transport);
    progress(
      `round ${rep}/${reps} bare gRPC transport: ${transport.inflight_1.msgs_per_s} / ${transport.inflight_8.msgs_per_s} / ${transport.inflight_64.msgs_per_s} msg/s (1 / 8 / 64 in flight)`,
    );
  }
  const median = <N extends Name>(name: N): Awaited<ReturnType<(typeof scenarios)[N]>> => {
    const runs = [...(samples.get(name) ?? [])].sort((a, b) => a.msgs_per_s - b.msgs_per_s);
    const middle = runs[Math.floor(runs.length / 2)];
    if (middle === undefined) throw new Error(`no run of ${name}`);
    return middle as Awaited<ReturnType<(typeof scenarios)[N]>>;
  };
  const transportRatio = (t: TransportCeiling): number =>
    t.inflight_8.msgs_per_s / Math.max(t.inflight_1.msgs_per_s, 1e-9);
  const transport = [...transportRuns].sort((a, b) => transportRatio(a) - transportRatio(b))[
    Math.floor(transportRuns.length / 2)
  ] as TransportCeiling;
  const rawInflight = median('raw64');
  const rawSerial = median('raw1');
  const sendAndWait = median('sendAndWait');
  const runtime: BenchReport['runtime'] = {
    polling: { ordered_8p: median('pollingOrdered'), window_64_1p: median('pollingWindowed') },
    streaming: {
      ordered_8p: median('streamingOrdered'),
      window_64_1p: median('streamingWindowed'),
    },
  };
  progress('runtime with the broker 10x slower');
  const slowBroker = await withBroker((ctx) => slowBrokerBound(ctx, rawSerial.latency.p50_ms));
  progress(`  peak ${slowBroker.peak_buffered_plus_inflight} / bound ${slowBroker.bound}`);
  progress('publish latency, one record at a time: raw client, then the runtime, same broker');
  // Paired per broker and repeated, like the throughput rounds: the overhead is the median of
  // the per-pair differences, so drift between pairs cancels.
  const latencyPairs: Array<{ raw: MeasuredRun; runtime: RuntimeRun }> = [];
  for (let pair = 1; pair <= reps; pair += 1) {
    latencyPairs.push(
      await withBroker(async (ctx) => ({
        raw: await rawClientPublish(ctx, 1, counts.latencyProbe),
        runtime: await latencyProbe(ctx),
      })),
    );
  }
  const overheadOf = (p: { raw: MeasuredRun; runtime: RuntimeRun }): number =>
    p.runtime.latency.p50_ms - p.raw.latency.p50_ms;
  const latencyPair = [...latencyPairs].sort((a, b) => overheadOf(a) - overheadOf(b))[
    Math.floor(latencyPairs.length / 2)
  ] as { raw: MeasuredRun; runtime: RuntimeRun };
  progress(
    `  p50 ${latencyPair.raw.latency.p50_ms} ms raw, ${latencyPair.runtime.latency.p50_ms} ms runtime`,
  );
  progress('LAN-like round trip (1 ms added to every send): send-and-wait vs ordered 8 partitions');
  const lan = (scenario: (ctx: BenchContext) => Promise<Throughput>): Promise<Throughput> =>
    withBroker(async (ctx) => {
      await ctx.setBrokerLatency(1);
      return scenario(ctx);
    });
  const lanSendAndWait = await lan((ctx) => sendAndWaitBaseline(ctx, counts.lan));
  const lanOrdered = await lan((ctx) =>
    runtimeThroughput(ctx, {
      mode: 'polling',
      partitions: 8,
      maxInflight: 1,
      messages: counts.lan,
    }),
  );
  progress(`  ${lanSendAndWait.msgs_per_s} vs ${lanOrdered.msgs_per_s} msg/s`);
  progress('cold start to first publish');
  const cold = await withBroker((ctx) => coldStart(ctx));
  progress(`  in process ${cold.in_process_ms} ms, child process ${cold.child_process_ms} ms`);

  // Ratios pair the scenarios of the same round (run minutes apart at most), then take the
  // median over rounds: a machine that speeds up or slows down between rounds shifts both
  // sides of a pair alike.
  const pairedRatio = (numerator: Name, denominator: Name): number => {
    const top = samples.get(numerator) ?? [];
    const bottom = samples.get(denominator) ?? [];
    const perRound = top
      .map((run, i) => run.msgs_per_s / Math.max(bottom[i]?.msgs_per_s ?? 0, 1e-9))
      .sort((a, b) => a - b);
    return perRound[Math.floor(perRound.length / 2)] ?? 0;
  };
  const windowedPolling = pairedRatio('pollingWindowed', 'raw64');
  const windowedStreaming = pairedRatio('streamingWindowed', 'raw64');
  const ratios = {
    windowed_vs_raw: round(Math.min(windowedPolling, windowedStreaming), 3),
    windowed_vs_raw_polling: round(windowedPolling, 3),
    windowed_vs_raw_streaming: round(windowedStreaming, 3),
    ordered_8p_vs_send_and_wait: round(pairedRatio('pollingOrdered', 'sendAndWait'), 2),
    ordered_8p_vs_send_and_wait_streaming: round(pairedRatio('streamingOrdered', 'sendAndWait'), 2),
  };
  const report: BenchReport = {
    version: 1,
    quick,
    repetitions: reps,
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
      raw_client_one_at_a_time: latencyPair.raw.latency,
      runtime_streaming_one_at_a_time: latencyPair.runtime.latency,
      runtime_overhead_p50_ms: round(overheadOf(latencyPair), 3),
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
    buffer_size_effect: {
      default_buffer_size: DEFAULT_BUFFER_SIZE,
      large_buffer_size: LARGE_BUFFER,
      polling_window_64_1p_large_buffer: median('pollingWindowedBuffer10k'),
      ratio_large_vs_default: round(pairedRatio('pollingWindowedBuffer10k', 'pollingWindowed'), 3),
    },
    transport_ceiling: {
      ...transport,
      ratio_8_vs_1: round(transportRatio(transport), 2),
      ratio_64_vs_1: round(
        transport.inflight_64.msgs_per_s / Math.max(transport.inflight_1.msgs_per_s, 1e-9),
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
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
