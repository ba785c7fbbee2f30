import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { Offset } from '../../src/connector/offset.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { CommitScheduler } from '../../src/runtime/commit-scheduler.js';
import { OffsetTracker } from '../../src/runtime/offset-tracker.js';
import { flush } from './fakes.js';

function setup(
  options: {
    batchSize?: number;
    batchTimeoutMs?: number;
    idle?: () => boolean;
    signal?: AbortSignal;
  } = {},
) {
  const clock = new ManualClock();
  const tracker = new OffsetTracker();
  const calls: string[][] = [];
  const fatal: unknown[] = [];
  const committed: string[][] = [];
  let commitImpl: (offsets: Offset[]) => Promise<void> = () => Promise.resolve();
  let concurrent = 0;
  let peakConcurrent = 0;
  const scheduler = new CommitScheduler({
    tracker,
    clock,
    commit: async (offsets) => {
      concurrent += 1;
      peakConcurrent = Math.max(peakConcurrent, concurrent);
      try {
        await commitImpl(offsets);
        calls.push(offsets.map(String));
      } finally {
        concurrent -= 1;
      }
    },
    batchSize: options.batchSize ?? 3,
    batchTimeoutMs: options.batchTimeoutMs ?? 100,
    isIdle: options.idle ?? (() => false),
    maxRetries: 2,
    backoff: { baseMs: 10, maxMs: 40 },
    onFatal: (error) => fatal.push(error),
    onCommitted: (offsets) => committed.push(offsets.map(String)),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const settle = (partition: string, value: number): void => {
    tracker.settle(tracker.track(Offset.of(partition, value)));
    scheduler.notifySettled();
  };
  return {
    clock,
    tracker,
    scheduler,
    calls,
    fatal,
    committed,
    settle,
    setCommit: (fn: (offsets: Offset[]) => Promise<void>) => {
      commitImpl = fn;
    },
    peak: () => peakConcurrent,
  };
}

describe('CommitScheduler', () => {
  it('coalesces: one commit per batch_size settlements, with the latest offset only', async () => {
    const s = setup({ batchSize: 3 });
    s.settle('p', 1);
    s.settle('p', 2);
    await flush();
    expect(s.calls).toEqual([]);
    s.settle('p', 3);
    await flush();
    expect(s.calls).toEqual([['p@3']]);
  });

  it('commits after batch_timeout_ms when the batch does not fill', async () => {
    const s = setup({ batchSize: 100, batchTimeoutMs: 250 });
    s.settle('p', 1);
    await s.clock.advance(249);
    expect(s.calls).toEqual([]);
    await s.clock.advance(1);
    expect(s.calls).toEqual([['p@1']]);
  });

  it('commits at once when the pipeline is idle', async () => {
    const s = setup({ batchSize: 100, batchTimeoutMs: 60_000, idle: () => true });
    s.settle('p', 7);
    await flush();
    expect(s.calls).toEqual([['p@7']]);
  });

  it('never runs two commits at once; what settled meanwhile goes in the next one', async () => {
    const s = setup({ batchSize: 1 });
    let release: () => void = () => undefined;
    s.setCommit(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    s.settle('p', 1);
    s.settle('p', 2);
    s.settle('q', 1);
    await flush();
    expect(s.peak()).toBe(1);
    s.setCommit(() => Promise.resolve());
    release();
    await flush();
    await flush();
    expect(s.calls).toEqual([['p@1'], ['p@2', 'q@1']]);
    expect(s.peak()).toBe(1);
  });

  it('retries a failing commit with backoff, then succeeds', async () => {
    const s = setup({ batchSize: 1 });
    let failures = 1;
    s.setCommit(() =>
      failures-- > 0 ? Promise.reject(new Error('store down')) : Promise.resolve(),
    );
    s.settle('p', 1);
    await flush();
    expect(s.calls).toEqual([]);
    await s.clock.advance(100);
    expect(s.calls).toEqual([['p@1']]);
    expect(s.fatal).toEqual([]);
  });

  it('reports fatal after retry.max_retries and keeps the offsets uncommitted', async () => {
    const s = setup({ batchSize: 1 });
    s.setCommit(() => Promise.reject(new Error('store down')));
    s.settle('p', 1);
    await s.clock.advance(1_000);
    expect(s.fatal).toHaveLength(1);
    expect(s.calls).toEqual([]);
    expect(s.tracker.peek().map(String)).toEqual(['p@1']);
  });

  it('does not retry ConnectorError.fatal', async () => {
    const s = setup({ batchSize: 1 });
    let attempts = 0;
    s.setCommit(() => {
      attempts += 1;
      return Promise.reject(ConnectorError.fatal('checkpoint store lost'));
    });
    s.settle('p', 1);
    await s.clock.advance(1_000);
    expect(attempts).toBe(1);
    expect(s.fatal).toHaveLength(1);
  });

  it('once its signal aborts: reports no commit that finishes later, starts no new one', async () => {
    const stop = new AbortController();
    const s = setup({ batchSize: 1, signal: stop.signal });
    let release: () => void = () => undefined;
    s.setCommit(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    s.settle('p', 1);
    await flush();
    stop.abort();
    release();
    await flush();
    s.settle('p', 2);
    await s.scheduler.flush();
    await s.clock.advance(1_000);
    expect(s.calls).toEqual([['p@1']]); // the connector did commit p@1 …
    expect(s.committed).toEqual([]); // … but after the abort: not reported
    expect(s.tracker.peek().map(String)).toEqual(['p@2']);
    expect(s.fatal).toEqual([]);
  });

  it('once its signal aborts: does not retry a failed commit and reports no fatal error', async () => {
    const stop = new AbortController();
    const s = setup({ batchSize: 1, signal: stop.signal });
    let attempts = 0;
    s.setCommit(() => {
      attempts += 1;
      return Promise.reject(new Error('store down'));
    });
    s.settle('p', 1);
    await flush();
    stop.abort();
    await s.clock.advance(1_000);
    expect(attempts).toBe(1);
    expect(s.fatal).toEqual([]);
    expect(s.tracker.peek().map(String)).toEqual(['p@1']);
  });

  it('flush() commits what is left and waits for it', async () => {
    const s = setup({ batchSize: 100, batchTimeoutMs: 60_000 });
    s.settle('p', 1);
    await s.scheduler.flush();
    expect(s.calls).toEqual([['p@1']]);
  });
});
