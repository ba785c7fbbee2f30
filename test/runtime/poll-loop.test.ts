import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { Envelopeish } from '../../src/connector/envelope.js';
import { runPollLoop } from '../../src/runtime/poll-loop.js';
import { flush } from './fakes.js';
import { makePipeline } from './pipeline-harness.js';
import { quietLogger } from './support.js';

function setup(poll: (n: number, signal: AbortSignal) => Promise<Envelopeish[]>, bufferSize = 100) {
  const h = makePipeline({ topics: [{ topic: '/default/t', partitions: 0 }], bufferSize });
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
    maxRetries: 2,
    backoff: { baseMs: 10, maxMs: 20 },
    logger: quietLogger(),
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

  it('rejects after retry.max_retries failures', async () => {
    const s = setup(() => Promise.reject(new Error('socket hang up')));
    await s.h.clock.advance(1_000);
    await expect(s.done).rejects.toThrow(/poll\(\) kept failing after 2 retries: socket hang up/);
    expect(s.count()).toBe(3);
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
