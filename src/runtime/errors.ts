/**
 * A publish was not confirmed within `retry.publish_timeout_ms`. Named `TimeoutError` so the
 * metrics classify it as `timeout`; `cause` is the last attempt's error.
 */
export class PublishTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly kind = 'timeout' as const;
  readonly topic: string;
  readonly attempts: number;

  constructor(topic: string, timeoutMs: number, attempts: number, cause: unknown) {
    const last = cause instanceof Error ? cause.message : String(cause);
    super(
      `publish to ${topic} not confirmed within retry.publish_timeout_ms = ${timeoutMs} ms after ${attempts} attempt(s); last error: ${last}`,
      { cause },
    );
    this.topic = topic;
    this.attempts = attempts;
  }
}

/** Text of any thrown value, for messages and attributes. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The thrown value as an Error (wrapping non-errors). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error), { cause: error });
}
