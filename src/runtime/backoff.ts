import pRetry from 'p-retry';
import { sleep, type Clock } from './clock.js';
import { asError } from '../errors.js';

/** How long to wait between attempts: exponential from `baseMs`, capped at `maxMs`, with jitter. */
export interface BackoffSettings {
  /** First delay (`retry.retry_backoff_ms`). */
  baseMs: number;
  /** Largest delay (`retry.max_backoff_ms`). */
  maxMs: number;
}

/** Options of {@link retryWithBackoff}. */
export interface RetryWithBackoffOptions {
  clock: Clock;
  backoff: BackoffSettings;
  /** Whether a failure may be retried; others are rethrown at once. */
  isRetryable: (error: unknown) => boolean;
  /** Most retries after the first attempt (count bound); default unbounded. */
  maxRetries?: number;
  /** `clock.now()` after which no new attempt starts (time bound). */
  deadline?: number;
  /** Turns the last error into the one thrown when the deadline passed. */
  onDeadline?: (lastError: unknown, attempts: number) => Error;
  /** Called before each retry's wait. */
  onRetry?: (error: unknown, attempt: number) => void;
  /** Aborts the wait and further attempts (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Random source in [0, 1), injectable for tests. */
  random?: () => number;
  /** Attempts already made before this call (their delays are not repeated). */
  attemptOffset?: number;
}

/**
 * The delay before retry number `attempt` (1-based): `base · 2^(attempt-1)` capped at `max`,
 * with "equal jitter" (between half and all of it) so many retrying sends spread out.
 */
export function backoffDelay(
  attempt: number,
  backoff: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Runs `operation` until it succeeds, throws a non-retryable error, runs out of retries or
 * passes the deadline. p-retry drives the attempts; the waits go through the injected clock
 * (so tests control them) and the deadline is measured on it.
 */
export function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryWithBackoffOptions,
): Promise<T> {
  const random = options.random ?? Math.random;
  let deadlineError: Error | undefined;
  return pRetry(operation, {
    retries: options.maxRetries ?? Number.POSITIVE_INFINITY,
    minTimeout: 0,
    maxTimeout: 0,
    randomize: false,
    signal: options.signal,
    shouldRetry: ({ error }) => deadlineError === undefined && options.isRetryable(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (!options.isRetryable(error) || retriesLeft <= 0) return;
      const attempt = attemptNumber + (options.attemptOffset ?? 0);
      let delay = backoffDelay(attempt, options.backoff, random);
      if (options.deadline !== undefined) {
        const remaining = options.deadline - options.clock.now();
        if (remaining <= 0) {
          deadlineError = options.onDeadline?.(error, attempt) ?? asError(error);
          throw deadlineError;
        }
        delay = Math.min(delay, remaining);
      }
      options.onRetry?.(error, attempt);
      await sleep(options.clock, delay, options.signal);
    },
  });
}
