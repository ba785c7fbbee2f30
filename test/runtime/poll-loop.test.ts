import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { Envelopeish } from '../../src/connector/envelope.js';
import { runPollLoop } from '../../src/runtime/poll-loop.js';
import { SourceOutage } from '../../src/runtime/source-outage.js';
import { flush } from './fakes.js';
import { makePipeline } from './pipeline-harness.js';
import { quietLogger } from './support.js';

function setup(
  poll: (n: number, signal: AbortSignal) => Promise<Envelopeish[]>,
  bufferSize = 100,
  timeoutMs?: number,
) {
  const h = makePipeline({ topics: [{ topic: '/default/t', partitions: 0 }], bufferSize });
  const outage = new SourceOutage({
    operation: 'poll()',
    clock: h.clock,
    backoff: { baseMs: 10, maxMs: 80 },
    timeoutMs,
    state: h.state,
    logger: quietLogger(),
    // no jitter: each delay is the upper bound (base · 2^(n-1), capped)
    random: () => 1,
  });
  const controller = new AbortController();
  const starts: number[] = [];
  let active = 0;
  let peakActive = 0;
  let n = 0;
  const done = runPollLoop({
    poll: async (signal) => {
      n += 1;
      starts.push(h.clock.now());
      active += 1;
      peakActive = Math.max(peakActive, active);
      try {
        return await poll(n, signal);
      } finally {
        active -= 1;
      }
    },
    pipeline: h.pipeline,
    clock: h.clock,
    pollIntervalMs: 100,
    outage,
    signal: controller.signal,
  });
  done.catch(() => undefined);
  return { h, controller, done, starts, peak: () => peakActive, count: () => n };
}

const record = (i: number): SourceRecord => SourceRecord.string('/default/t', `m${i}`);

describe('poll loop', () => {
  it('polls again at once while poll returns data, and every poll_interval_ms while empty', async () => {
    const s = setup((n) => Promise.resolve(n <= 3 ? [record(n)] : []));
    await flush();
    await flush();
    // three polls with data and the first empty one, all at t=0
    expect(s.starts.slice(0, 4)).toEqual([0, 0, 0, 0]);
    await s.h.clock.advance(100);
    await s.h.clock.advance(100);
    expect(s.starts.slice(4, 6)).toEqual([100, 200]);
    expect(s.peak()).toBe(1);
    s.controller.abort();
    await s.done;
  });

  it('waits for buffer room before the next poll (a slow broker slows polling)', async () => {
    const s = setup((n) => Promise.resolve([record(2 * n), record(2 * n + 1)]), 3);
    await flush();
    await flush();
    expect(s.count()).toBe(2);
    expect(s.h.buffer.size).toBe(3);
    s.h.board.succeed(0);
    await flush();
    await flush();
    expect(s.h.buffer.size).toBeLessThanOrEqual(3);
    s.controller.abort();
    s.h.pipeline.closeIntake();
    await s.done;
  });

  it('retries a retryable poll error with backoff', async () => {
    const s = setup((n) =>
      n === 1 ? Promise.reject(ConnectorError.retryable('rate limited')) : Promise.resolve([]),
    );
    await flush();
    expect(s.count()).toBe(1);
    await s.h.clock.advance(10);
    expect(s.count()).toBe(2);
    s.controller.abort();
    await s.done;
  });

  it('retries without a count limit, backoff doubling up to max_backoff_ms, readiness off until a poll succeeds', async () => {
    let down = true;
    const s = setup(() =>
      down ? Promise.reject(new Error('socket hang up')) : Promise.resolve([]),
    );
    await flush();
    await s.h.clock.advance(10_000);
    // 10, 20, 40, 80, 80, … ms between attempts: 4 attempts in the first 150 ms, then one per 80 ms
    const gaps = s.starts.slice(1, 8).map((t, i) => t - (s.starts[i] as number));
    expect(gaps).toEqual([10, 20, 40, 80, 80, 80, 80]);
    expect(s.count()).toBeGreaterThan(100);
    expect(s.h.state.readiness().reasons).toContainEqual(
      expect.stringMatching(
        /^source failing: poll\(\) failed \d+ times in a row, retrying: Error: socket hang up$/,
      ),
    );
    expect(s.h.state.snapshot().sourceFailures).toBe(s.count());
    down = false;
    await s.h.clock.advance(80);
    expect(s.h.state.readiness().reasons.filter((r) => r.startsWith('source'))).toEqual([]);
    s.controller.abort();
    await s.done;
  });

  it('rejects once retry.source_retry_timeout_ms has passed since the first failure', async () => {
    const s = setup(() => Promise.reject(new Error('socket hang up')), 100, 1_000);
    await s.h.clock.advance(5_000);
    await expect(s.done).rejects.toThrow(
      /^poll\(\) kept failing for 1000 ms \(\d+ attempts\), longer than retry.source_retry_timeout_ms = 1000: socket hang up$/,
    );
    // the last attempt happened when the budget ended, not a backoff later
    expect(s.starts.at(-1)).toBe(1_000);
  });

  it('a success restarts the budget and the backoff', async () => {
    let n = 0;
    const s = setup(
      () => {
        n += 1;
        // fails for 600 ms, recovers once, fails for 600 ms again: never 1 000 ms in a row
        return n % 10 === 0 ? Promise.resolve([]) : Promise.reject(new Error('flaky'));
      },
      100,
      1_000,
    );
    await s.h.clock.advance(3_000);
    const gaps = s.starts.slice(1).map((t, i) => t - (s.starts[i] as number));
    expect(gaps.slice(9, 11)).toEqual([100, 10]);
    s.controller.abort();
    await s.done;
  });

  it('rejects at once with a fatal poll error', async () => {
    const s = setup(() => Promise.reject(ConnectorError.fatal('credentials revoked')));
    await expect(s.done).rejects.toThrow('credentials revoked');
    expect(s.count()).toBe(1);
  });

  it('passes its signal to poll and ends when aborted mid-wait', async () => {
    let seen: AbortSignal | undefined;
    const s = setup((_n, signal) => {
      seen = signal;
      return Promise.resolve([]);
    });
    await flush();
    s.controller.abort();
    await s.done;
    expect(seen?.aborted).toBe(true);
  });
});
