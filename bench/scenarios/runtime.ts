import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import { testCoreConfig } from '../../src/testing/harness/core-config.js';
import { BENCH_SUBJECT, type BenchContext } from '../context.js';
import { BenchPollingConnector, BenchStreamingConnector } from '../connectors.js';
import { RECORD_SCHEMA_TEXT } from '../record.js';
import { latencySummary, round } from '../stats.js';
import type { BenchReport, RuntimeRun } from '../report.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMA_DIR = path.join(REPO, '.bench-tmp');
const SCHEMA_FILE = 'bench-event.schema.json';

async function schemaDir(): Promise<string> {
  await mkdir(SCHEMA_DIR, { recursive: true });
  await writeFile(path.join(SCHEMA_DIR, SCHEMA_FILE), RECORD_SCHEMA_TEXT);
  return SCHEMA_DIR;
}

/** What one runtime run is configured with. */
export interface RuntimeScenario {
  mode: 'polling' | 'streaming';
  partitions: number;
  maxInflight: number;
  messages: number;
  bufferSize?: number;
  oneAtATime?: boolean;
}

async function coreFor(ctx: BenchContext, topic: string, scenario: RuntimeScenario) {
  return testCoreConfig({
    danube_service_url: ctx.brokerUrl,
    connector_name: `bench-${scenario.mode}`,
    config_dir: await schemaDir(),
    processing: {
      max_inflight_per_partition: scenario.maxInflight,
      ...(scenario.bufferSize === undefined ? {} : { buffer_size: scenario.bufferSize }),
      batch_size: 1000,
      batch_timeout_ms: 100,
      poll_interval_ms: 10,
      log_level: 'silent',
    },
    retry: { publish_timeout_ms: 30_000, retry_backoff_ms: 50, max_backoff_ms: 1000 },
    schemas: [
      {
        topic,
        subject: BENCH_SUBJECT,
        schema_type: 'json_schema',
        schema_file: SCHEMA_FILE,
        auto_register: true,
      },
    ],
  });
}

interface Measured {
  run: RuntimeRun;
  runtime: SourceRuntime;
}

async function runOnce(
  ctx: BenchContext,
  scenario: RuntimeScenario,
  label: string,
): Promise<Measured> {
  const topic = ctx.topic(label);
  const core = await coreFor(ctx, topic, scenario);
  const options = {
    topic,
    total: scenario.messages,
    batch: 1000,
    partitions: scenario.partitions,
    oneAtATime: scenario.oneAtATime ?? false,
  };
  const connector =
    scenario.mode === 'polling'
      ? new BenchPollingConnector(options)
      : new BenchStreamingConnector(options);
  const runtime = new SourceRuntime(connector, core, { http: false });
  const stop = new AbortController();
  const running = runtime.run({ signal: stop.signal, handleSignals: false });
  try {
    await Promise.race([connector.first, running]);
    const started = process.hrtime.bigint();
    await Promise.race([connector.done, running]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    stop.abort();
    await running;
    const stored = await ctx.storedCount(topic, scenario.partitions);
    if (stored < scenario.messages)
      throw new Error(`${label}: broker holds ${stored} of ${scenario.messages}`);
    // The clock starts at the first hand-over; the first record is not counted.
    const counted = scenario.messages - 1;
    return {
      runtime,
      run: {
        messages: scenario.messages,
        seconds: round(seconds, 3),
        msgs_per_s: round(counted / Math.max(seconds, 1e-9), 0),
        partitions: scenario.partitions,
        max_inflight_per_partition: scenario.maxInflight,
        latency: latencySummary(connector.latencies),
      },
    };
  } finally {
    stop.abort();
    await running.catch(() => undefined);
  }
}

/**
 * The runtime end to end (connector → buffer → schema codec → lanes → client → broker →
 * commit). Polling: `poll` returns 1000 records at a time; latency is hand-over → commit.
 * Streaming: `send` as fast as accepted; latency is `send` → `delivered`.
 */
export async function runtimeThroughput(
  ctx: BenchContext,
  scenario: RuntimeScenario,
): Promise<RuntimeRun> {
  await runOnce(
    ctx,
    { ...scenario, messages: Math.max(2, ctx.counts.warmup) },
    `warmup-${scenario.mode}`,
  );
  const { run } = await runOnce(
    ctx,
    scenario,
    `rt-${scenario.mode}-${scenario.partitions}p-${scenario.maxInflight}w`,
  );
  return run;
}

/**
 * The broker answers every send 10× slower than its normal round trip: the runtime's
 * accepted-and-unsettled count (buffered + in flight) must stay within `buffer_size`.
 */
export async function slowBrokerBound(
  ctx: BenchContext,
  normalRttMs: number,
): Promise<BenchReport['slow_broker']> {
  const brokerLatency = Math.max(2, Math.round(normalRttMs * 10));
  const bufferSize = 500;
  const scenario: RuntimeScenario = {
    mode: 'streaming',
    partitions: 8,
    maxInflight: 1,
    messages: ctx.counts.slowBroker,
    bufferSize,
  };
  await ctx.setBrokerLatency(brokerLatency);
  try {
    const { run, runtime } = await runOnce(ctx, scenario, 'slow-broker');
    const peak = runtime.stats.peakAccepted;
    return {
      broker_latency_ms: brokerLatency,
      normal_rtt_ms: round(normalRttMs, 3),
      buffer_size: bufferSize,
      partitions: scenario.partitions,
      max_inflight_per_partition: scenario.maxInflight,
      bound: bufferSize,
      peak_buffered_plus_inflight: peak,
      within_bound: peak <= bufferSize,
      msgs_per_s: run.msgs_per_s,
    };
  } finally {
    await ctx.setBrokerLatency(0);
  }
}

/**
 * Publish latency without queueing: the streaming runtime (ordered, 8 partitions) sends one
 * record at a time and waits for its delivery; compared with the raw client's one-at-a-time
 * latency, the difference is what the runtime adds per record.
 */
export async function latencyProbe(ctx: BenchContext): Promise<RuntimeRun> {
  const { run } = await runOnce(
    ctx,
    {
      mode: 'streaming',
      partitions: 8,
      maxInflight: 1,
      messages: ctx.counts.latencyProbe,
      oneAtATime: true,
    },
    'latency-probe',
  );
  return run;
}

/**
 * Cold start to first publish: in process (`run()` called → first receipt delivered) and
 * as a fresh Node process (spawn → the child reports its first delivered record), using
 * the built `dist/` when present, else the TypeScript sources through ts-node.
 */
export async function coldStart(ctx: BenchContext): Promise<BenchReport['cold_start']> {
  const topic = ctx.topic('cold-start');
  const scenario: RuntimeScenario = {
    mode: 'streaming',
    partitions: 0,
    maxInflight: 1,
    messages: 1,
  };
  const core = await coreFor(ctx, topic, scenario);
  const connector = new BenchStreamingConnector({ topic, total: 1, batch: 1 });
  const stop = new AbortController();
  const started = process.hrtime.bigint();
  const running = new SourceRuntime(connector, core, { http: false }).run({
    signal: stop.signal,
    handleSignals: false,
  });
  await Promise.race([connector.firstDelivered, running]);
  const inProcessMs = Number(process.hrtime.bigint() - started) / 1e6;
  stop.abort();
  await running;

  const useDist = existsSync(path.join(REPO, 'dist', 'runtime', 'index.js'));
  const childTopic = ctx.topic('cold-start-child');
  const args = useDist
    ? ['bench/cold-start-child.mjs', 'dist', ctx.brokerUrl, childTopic]
    : [
        '--import',
        './scripts/register-ts.mjs',
        'bench/cold-start-child.mjs',
        'src',
        ctx.brokerUrl,
        childTopic,
      ];
  const childStarted = process.hrtime.bigint();
  const childMs = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let firstAt: number | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (firstAt === undefined && chunk.includes('first-publish')) {
        firstAt = Number(process.hrtime.bigint() - childStarted) / 1e6;
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0 && firstAt !== undefined) resolve(firstAt);
      else reject(new Error(`cold-start child exited with code ${String(code)} before publishing`));
    });
  });
  return {
    in_process_ms: round(inProcessMs, 1),
    child_process_ms: round(childMs, 1),
    child_process_entry: useDist
      ? 'node dist/ (built JavaScript)'
      : 'node + ts-node transpile-only (src/)',
  };
}
