import { ConnectorError, isConnectorError } from '../connector/errors.js';
import { toEnvelope, type Envelopeish } from '../connector/envelope.js';
import type { Logger } from '../observability/logger.js';
import { retryWithBackoff, type BackoffSettings } from './backoff.js';
import { sleep, type Clock } from './clock.js';
import { errorMessage } from './errors.js';
import type { PublishPipeline } from './publish-pipeline.js';

/** Options of {@link runPollLoop}. */
export interface PollLoopOptions {
  /** The connector's `poll`. */
  poll: (signal: AbortSignal) => Promise<Envelopeish[]>;
  pipeline: PublishPipeline;
  clock: Clock;
  /** `processing.poll_interval_ms`: pause after an empty poll. */
  pollIntervalMs: number;
  /** `retry.max_retries` and backoff for failing polls. */
  maxRetries: number;
  backoff: BackoffSettings;
  logger: Logger;
  /** Aborts when the runtime stops: no new poll starts, waits end. */
  signal: AbortSignal;
  /** A poll failed and will be retried. */
  onRetry?: (error: unknown, attempt: number) => void;
  /** A poll returned `size` (> 0) items. */
  onBatch?: (size: number) => void;
}

/**
 * Whether a poll failure is worth retrying: `ConnectorError.retryable`, and errors that are
 * not `ConnectorError`s (a library's network error); `fatal`, `config` and `invalid_data`
 * stop the runtime at once.
 */
function isRetryablePollError(error: unknown): boolean {
  if (error instanceof ConnectorError) return error.kind === 'retryable';
  return true;
}

/**
 * The polling driver: calls `poll` at once again while it returns data and every
 * `poll_interval_ms` while it returns nothing; never two polls at once; hands every
 * envelope to the pipeline in order, waiting while the buffer is full (so a slow broker slows
 * polling down). Failures are retried with backoff up to `retry.max_retries`; then, or for a
 * fatal error, the returned promise rejects. Resolves when `signal` aborts.
 */
export async function runPollLoop(options: PollLoopOptions): Promise<void> {
  const { signal, pipeline, clock } = options;
  while (!signal.aborted) {
    let items: Envelopeish[];
    try {
      items = await retryWithBackoff(() => callPoll(options), {
        clock,
        backoff: options.backoff,
        maxRetries: options.maxRetries,
        isRetryable: (error) => !signal.aborted && isRetryablePollError(error),
        signal,
        onRetry: (error, attempt) => {
          options.logger.warn(
            { err: error, attempt, maxRetries: options.maxRetries },
            `poll failed, retrying (${attempt}/${options.maxRetries}): ${errorMessage(error)}`,
          );
          options.onRetry?.(error, attempt);
        },
      });
    } catch (error) {
      if (signal.aborted) return;
      throw wrapPollError(error, options.maxRetries);
    }
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
    throw ConnectorError.fatal(
      `poll() must return an array of SourceRecord / SourceEnvelope, got ${typeof items}`,
    );
  }
  return items as Envelopeish[];
}

function wrapPollError(error: unknown, maxRetries: number): Error {
  if (isConnectorError(error) && error.kind !== 'retryable') return error;
  return ConnectorError.fatal(
    `poll() kept failing after ${maxRetries} retries: ${errorMessage(error)}`,
    {
      cause: error,
    },
  );
}
