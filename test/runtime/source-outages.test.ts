import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { Readiness } from '../../src/observability/state.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import type { EmbeddedBroker } from '../../src/testing/index.js';
import {
  ListSource,
  PushSource,
  coreFor,
  lastCommitted,
  quietLogger,
  startRuntime,
  topic,
  useTestBroker,
} from './support.js';

const broker = useTestBroker();

const env = (i: number): SourceEnvelope =>
  SourceEnvelope.withOffset(SourceRecord.string('/default/t', `m${i}`), Offset.of('s', i));

/** Resolves once `broker` stored `count` messages on `topicName`. */
function stored(b: EmbeddedBroker, topicName: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (b.messages(topicName).length < count) return;
      b.off('message', check);
      resolve();
    };
    b.on('message', check);
    check();
  });
}

async function readyz(runtime: SourceRuntime): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${runtime.httpUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

/** Advances `clock` by `totalMs` in `stepMs` steps, checking `during` after each step. */
async function ride(
  clock: ManualClock,
  totalMs: number,
  stepMs: number,
  during: () => Promise<void>,
): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) {
    await clock.advance(stepMs);
    await during();
  }
}

/** Checks that the runtime is running and `/readyz` answers 503 with only `reason`. */
async function expectSourceFailing(runtime: SourceRuntime, reason: RegExp): Promise<void> {
  const { status, body } = await readyz(runtime);
  expect(status).toBe(503);
  expect(body.reasons).toEqual([expect.stringMatching(reason)]);
  expect(runtime.state.phase).toBe('running');
}

/** A runtime on a manual clock with its HTTP server on a free port; backoff 100 ms … 2 s. */
function runOnManualClock(source: ListSource | PushSource, retry = {}) {
  const clock = new ManualClock();
  const runtime = new SourceRuntime(
    source,
    coreFor(broker(), {
      retry: { retry_backoff_ms: 100, max_backoff_ms: 2_000, ...retry },
    }),
    { clock, logger: quietLogger(), http: { port: 0, host: '127.0.0.1' } },
  );
  return { clock, runtime, run: startRuntime(runtime) };
}

describe('SourceRuntime when the source goes away', () => {
  it('rides out 20 s of retryable poll() failures: stays up, /readyz 503 with the reason, then 200, and publishes', async () => {
    let down = true;
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [[env(0), env(1), env(2)]],
      pollHook: () =>
        down ? Promise.reject(ConnectorError.retryable('database unreachable')) : undefined,
    });
    const { clock, runtime, run } = runOnManualClock(source);
    await runtime.whenRunning();
    await ride(clock, 20_000, 1_000, () =>
      expectSourceFailing(
        runtime,
        /^source failing: poll\(\) failed \d+ times in a row, retrying: ConnectorError: database unreachable$/,
      ),
    );
    // 100 ms doubling to 2 s, jittered: about 13 attempts in 20 s, far more than max_retries (3)
    expect(source.pollCount).toBeGreaterThan(8);
    const failures = source.pollCount;
    expect(runtime.state.snapshot().sourceFailures).toBe(failures);

    down = false;
    const published = stored(broker(), '/default/t', 3);
    await clock.advance(2_000);
    await published;
    expect((await readyz(runtime)).status).toBe(200);
    expect(
      broker()
        .messages('/default/t')
        .map((m) => m.payload.toString()),
    ).toEqual(['m0', 'm1', 'm2']);
    await run.stop();
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(2);
    const metrics = await runtime.metrics.text();
    expect(metrics).toContain(
      `danube_connector_source_failures_total{error_type="retryable",connector="test-conn"} ${failures}`,
    );
  });

  it('a fatal poll() error during the outage still stops the runtime with that error', async () => {
    let polls = 0;
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [],
      pollHook: () => {
        polls += 1;
        return Promise.reject(
          polls < 5
            ? ConnectorError.retryable('database unreachable')
            : ConnectorError.fatal('credentials revoked'),
        );
      },
    });
    const { clock, run } = runOnManualClock(source);
    await ride(clock, 10_000, 1_000, () => Promise.resolve());
    await expect(run.done).rejects.toMatchObject({ kind: 'fatal', message: 'credentials revoked' });
    expect(polls).toBe(5);
  });

  it('with retry.source_retry_timeout_ms, a longer outage becomes a timeout naming the key', async () => {
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [],
      pollHook: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.7:5432')),
    });
    const { clock, run } = runOnManualClock(source, { source_retry_timeout_ms: 15_000 });
    await ride(clock, 20_000, 1_000, () => Promise.resolve());
    await expect(run.done).rejects.toMatchObject({
      kind: 'timeout',
      message: expect.stringMatching(
        /^poll\(\) kept failing for 15000 ms \(\d+ attempts\), longer than retry.source_retry_timeout_ms = 15000: ECONNREFUSED 10.0.0.7:5432$/,
      ) as unknown,
    });
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
  });

  it('restarts a stream task that rejects retryably until it works again, /readyz 503 meanwhile', async () => {
    const source = new PushSource([topic('/default/t')]);
    let starts = 0;
    let down = true;
    source.streamHook = async (sender) => {
      starts += 1;
      if (down) throw ConnectorError.retryable('websocket closed by upstream');
      await sender.sendBatch([env(0), env(1)]);
    };
    const { clock, runtime, run } = runOnManualClock(source);
    await runtime.whenRunning();
    await ride(clock, 20_000, 1_000, () =>
      expectSourceFailing(
        runtime,
        /^source failing: startStreaming\(\) failed \d+ times in a row, retrying: ConnectorError: websocket closed by upstream$/,
      ),
    );
    expect(starts).toBeGreaterThan(8);
    down = false;
    const published = stored(broker(), '/default/t', 2);
    await clock.advance(2_000);
    await published;
    expect((await readyz(runtime)).status).toBe(200);
    await run.stop();
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(1);
  });

  it('a stream task rejecting fatally still stops the runtime', async () => {
    const source = new PushSource([topic('/default/t')]);
    source.streamHook = () => Promise.reject(ConnectorError.fatal('subscription refused'));
    const { run } = runOnManualClock(source);
    await expect(run.done).rejects.toThrow('subscription refused');
    expect(source.lifecycle.calls).toEqual([
      'initialize',
      'producerConfigs',
      'startStreaming',
      'shutdown',
    ]);
  });
});
