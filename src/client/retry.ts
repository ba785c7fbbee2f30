import pRetry from 'p-retry';
import { isDanubeConnectError } from '../errors.js';
import type { RetryPolicy } from './options.js';

/** Options of one {@link withRetry} run. */
export interface RetryRun {
  policy: RetryPolicy;
  /** Aborts waiting between attempts (the error is the signal's reason). */
  signal?: AbortSignal | undefined;
  /** Whether an error may be retried; default: one of ours whose kind is retryable. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each retry (e.g. to log, or to refresh a lookup). */
  onRetry?: (error: unknown, attempt: number) => void;
}

/** Whether an error is a `DanubeConnectError` of a retryable kind. */
export function isRetryableError(error: unknown): boolean {
  return isDanubeConnectError(error) && error.retryable;
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or the policy's
 * retries are spent (exponential backoff with jitter, via p-retry). The last error is
 * rethrown unchanged.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  run: RetryRun,
): Promise<T> {
  const isRetryable = run.isRetryable ?? isRetryableError;
  if (run.policy.retries <= 0) return operation(1);
  return pRetry(operation, {
    retries: run.policy.retries,
    minTimeout: run.policy.minTimeoutMs,
    maxTimeout: run.policy.maxTimeoutMs,
    factor: run.policy.factor,
    randomize: run.policy.randomize,
    signal: run.signal,
    unref: true,
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && isRetryable(error)) run.onRetry?.(error, attemptNumber);
    },
  });
}
