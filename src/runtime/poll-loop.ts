import { toEnvelope, type Envelopeish } from '../connector/envelope.js';
import { sleep, type Clock } from './clock.js';
import type { PublishPipeline } from './publish-pipeline.js';
import type { SourceOutage } from './source-outage.js';
import { DanubeConnectError } from '../errors.js';

/** Options of {@link runPollLoop}. */
export interface PollLoopOptions {
  /** The connector's `poll`. */
  poll: (signal: AbortSignal) => Promise<Envelopeish[]>;
  pipeline: PublishPipeline;
  clock: Clock;
  /** `processing.poll_interval_ms`: pause after an empty poll. */
  pollIntervalMs: number;
  /** Tracks failing polls: backoff, readiness, metric, logs and the time budget. */
  outage: SourceOutage;
  /** Aborts when the runtime stops: no new poll starts, waits end. */
  signal: AbortSignal;
  /** A poll returned `size` (> 0) items. */
  onBatch?: (size: number) => void;
}

/**
 * The polling driver: calls `poll` at once again while it returns data and every
 * `poll_interval_ms` while it returns nothing; never two polls at once; hands every
 * envelope to the pipeline in order, waiting while the buffer is full (so a slow broker slows
 * polling down). Retryable failures are retried with backoff without a count limit (see
 * {@link SourceOutage}); the returned promise rejects with a fatal error, or when the outage
 * outlasted `retry.source_retry_timeout_ms`. Resolves when `signal` aborts.
 */
export async function runPollLoop(options: PollLoopOptions): Promise<void> {
  const { signal, pipeline, clock, outage } = options;
  while (!signal.aborted) {
    let items: Envelopeish[];
    try {
      items = await callPoll(options);
    } catch (error) {
      if (signal.aborted || !(await outage.backOff(error, signal))) return;
      continue;
    }
    outage.recovered();
    if (items.length === 0) {
      try {
        await sleep(clock, options.pollIntervalMs, signal);
      } catch {
        return;
      }
      continue;
    }
    options.onBatch?.(items.length);
    for (let i = 0; i < items.length; i += 1) {
      const envelope = toEnvelope(items[i] as Envelopeish);
      while (!pipeline.offer(envelope)) {
        try {
          await pipeline.whenRoom(items.length - i);
        } catch (error) {
          if (signal.aborted) return;
          throw error;
        }
      }
    }
  }
}

async function callPoll(options: PollLoopOptions): Promise<Envelopeish[]> {
  const items: unknown = await options.poll(options.signal);
  if (!Array.isArray(items)) {
    throw new DanubeConnectError(
      'fatal',
      `poll() must return an array of SourceRecord / SourceEnvelope, got ${typeof items}`,
    );
  }
  return items as Envelopeish[];
}
