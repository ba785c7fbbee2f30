import { DanubeConnectError, errorMessage, isDanubeConnectError } from '../errors.js';

/**
 * A publish was not confirmed within `retry.publish_timeout_ms` (kind `timeout`); `cause` is
 * the last attempt's error.
 */
export class PublishTimeoutError extends DanubeConnectError {
  override readonly name: string = 'PublishTimeoutError';
  declare readonly kind: 'timeout';
  /** How many sends were tried. */
  readonly attempts: number;

  /**
   * @param topic - the (partition) topic of the publish
   * @param timeoutMs - `retry.publish_timeout_ms`
   * @param attempts - how many sends were tried
   * @param cause - the last attempt's error
   */
  constructor(topic: string, timeoutMs: number, attempts: number, cause: unknown) {
    super(
      'timeout',
      `publish to ${topic} not confirmed within retry.publish_timeout_ms = ${timeoutMs} ms after ${attempts} attempt(s); last error: ${errorMessage(cause)}`,
      { cause, topic, keyPath: 'retry.publish_timeout_ms' },
    );
    this.attempts = attempts;
  }
}

/**
 * Whether a connector's failure (from `poll` or `commit`) is worth retrying: ours when its
 * kind is retryable, and errors that are not ours (a library's network error).
 */
export function isRetryableConnectorFailure(error: unknown): boolean {
  return isDanubeConnectError(error) ? error.retryable : true;
}

/**
 * What a connector call (`poll()`, `commit()`) that kept failing stops the runtime with: its
 * own error when that was not retried (kind `fatal`, `config`, …), else a `fatal` error
 * saying how often it was tried.
 */
export function givenUp(call: string, error: unknown, retries: number): Error {
  if (isDanubeConnectError(error) && !error.retryable) return error;
  return new DanubeConnectError(
    'fatal',
    `${call} kept failing after ${retries} retries: ${errorMessage(error)}`,
    { cause: error },
  );
}

/**
 * What `run()` rejects with for a failure: the error itself when it is ours, else (an error
 * the connector's own code threw) a `fatal` one with the same message and the error as its
 * `cause`, so that callers always get one error type with a kind.
 */
export function asFatal(error: unknown): DanubeConnectError {
  return isDanubeConnectError(error)
    ? error
    : new DanubeConnectError('fatal', errorMessage(error), { cause: error });
}
