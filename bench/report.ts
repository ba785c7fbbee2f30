import { z } from 'zod';

/** Targets the issue sets; benchmarks report them, they do not assert them. */
export const TARGETS = { windowed_vs_raw: 0.9, ordered_8p_vs_send_and_wait: 5 } as const;

const throughput = z.object({
  messages: z.number().int().positive(),
  seconds: z.number().nonnegative(),
  msgs_per_s: z.number().nonnegative(),
});

const latency = z.object({
  p50_ms: z.number().nonnegative(),
  p99_ms: z.number().nonnegative(),
  max_ms: z.number().nonnegative(),
});

const runtimeRun = throughput.extend({
  partitions: z.number().int().positive(),
  max_inflight_per_partition: z.number().int().positive(),
  latency,
});

const runtimeMode = z.object({ ordered_8p: runtimeRun, window_64_1p: runtimeRun });

/**
 * The shape of `npm run bench` output (JSON on stdout). `bench --quick` is checked against
 * it in the test suite; the numbers themselves are reported, never asserted.
 */
export const BenchReportSchema = z.object({
  version: z.literal(1),
  quick: z.boolean(),
  /** Runs per throughput scenario; the median run is reported. */
  repetitions: z.number().int().positive(),
  machine: z.object({
    node: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpus: z.number().int().positive(),
    cpu_model: z.string(),
  }),
  setup: z.object({
    record_bytes: z.number().int().positive(),
    schema_type: z.literal('json_schema'),
    broker: z.string(),
    transport: z.string(),
  }),
  raw_client: z.object({
    inflight_64: throughput.extend({ latency }),
    one_at_a_time: throughput.extend({ latency }),
  }),
  send_and_wait: throughput.extend({ latency }),
  runtime: z.object({ polling: runtimeMode, streaming: runtimeMode }),
  slow_broker: z.object({
    broker_latency_ms: z.number().nonnegative(),
    normal_rtt_ms: z.number().nonnegative(),
    buffer_size: z.number().int().positive(),
    partitions: z.number().int().positive(),
    max_inflight_per_partition: z.number().int().positive(),
    bound: z.number().int().positive(),
    peak_buffered_plus_inflight: z.number().int().nonnegative(),
    within_bound: z.boolean(),
    msgs_per_s: z.number().nonnegative(),
  }),
  publish_latency: z.object({
    raw_client_one_at_a_time: latency,
    runtime_streaming_one_at_a_time: latency,
    runtime_overhead_p50_ms: z.number(),
  }),
  lan_1ms: z.object({
    added_broker_latency_ms: z.number().nonnegative(),
    send_and_wait: throughput,
    runtime_polling_ordered_8p: throughput,
    ratio_ordered_8p_vs_send_and_wait: z.number().nonnegative(),
  }),
  /** The windowed polling run with a large `buffer_size`, paired with the default's. */
  buffer_size_effect: z.object({
    default_buffer_size: z.number().int().positive(),
    large_buffer_size: z.number().int().positive(),
    polling_window_64_1p_large_buffer: runtimeRun,
    ratio_large_vs_default: z.number().nonnegative(),
  }),
  /** Bare grpc-js SendMessage calls to a server with no Danube logic (median round). */
  transport_ceiling: z.object({
    inflight_1: throughput,
    inflight_8: throughput,
    inflight_64: throughput,
    /** The most an ordered 8-partition pipeline can gain over send-and-wait on this machine. */
    ratio_8_vs_1: z.number().nonnegative(),
    ratio_64_vs_1: z.number().nonnegative(),
  }),
  cold_start: z.object({
    in_process_ms: z.number().nonnegative(),
    child_process_ms: z.number().nonnegative(),
    child_process_entry: z.string(),
  }),
  ratios: z.object({
    windowed_vs_raw: z.number().nonnegative(),
    windowed_vs_raw_polling: z.number().nonnegative(),
    windowed_vs_raw_streaming: z.number().nonnegative(),
    ordered_8p_vs_send_and_wait: z.number().nonnegative(),
    ordered_8p_vs_send_and_wait_streaming: z.number().nonnegative(),
  }),
  targets: z.object({ windowed_vs_raw: z.number(), ordered_8p_vs_send_and_wait: z.number() }),
  targets_met: z.object({ windowed_vs_raw: z.boolean(), ordered_8p_vs_send_and_wait: z.boolean() }),
});

/** One benchmark report, as printed by `bench/run.ts`. */
export type BenchReport = z.infer<typeof BenchReportSchema>;
/** One throughput figure with its publish latency. */
export type RuntimeRun = z.infer<typeof runtimeRun>;
