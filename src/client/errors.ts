import { status as GrpcStatus } from '@grpc/grpc-js';

/** gRPC status codes after which the same call may succeed if tried again. */
const RETRYABLE_CODES: ReadonlySet<GrpcStatus> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.DEADLINE_EXCEEDED,
]);

/** What went wrong, in words a caller can branch on. */
export type DanubeErrorKind =
  /** Network or broker temporarily unable to serve; retrying may succeed. */
  | 'unavailable'
  /** The namespace of the topic does not exist on the broker (an admin must create it). */
  | 'namespace_not_found'
  /** The broker no longer knows this producer (restart, CLOSE): recreate it. */
  | 'producer_not_found'
  /** The request is invalid (topic name, oversize message, bad schema reference). */
  | 'invalid_argument'
  /** The request conflicts with the topic's state (dispatch strategy, schema subject). */
  | 'failed_precondition'
  /** The broker refused to store the message. */
  | 'rejected'
  /** A schema registry operation failed (e.g. incompatible schema). */
  | 'schema'
  /** The client was closed. */
  | 'closed'
  /** Client-side misuse or misconfiguration (e.g. a token without TLS). */
  | 'config'
  /** Anything else the broker answered. */
  | 'internal';

/** Options for {@link DanubeError}. */
export interface DanubeErrorOptions {
  kind: DanubeErrorKind;
  /** The gRPC status code, when the error came from a call. */
  code?: GrpcStatus;
  /** Whether trying the same operation again may succeed. Defaults from `code`. */
  retryable?: boolean;
  topic?: string;
  producer?: string;
  cause?: unknown;
}

/**
 * The single error type of the Danube client: carries the gRPC status code, whether a
 * retry may help, and the topic / producer involved.
 *
 * @example
 * ```ts
 * try { await producer.send(payload); }
 * catch (err) { if (err instanceof DanubeError && err.retryable) scheduleRetry(); }
 * ```
 */
export class DanubeError extends Error {
  override readonly name = 'DanubeError';
  readonly kind: DanubeErrorKind;
  readonly code: GrpcStatus | undefined;
  readonly retryable: boolean;
  readonly topic: string | undefined;
  readonly producer: string | undefined;

  constructor(message: string, options: DanubeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind;
    this.code = options.code;
    this.retryable =
      options.retryable ?? (options.code !== undefined && RETRYABLE_CODES.has(options.code));
    this.topic = options.topic;
    this.producer = options.producer;
  }
}

/** Whether a gRPC status code is one the Rust client retries (UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED). */
export function isRetryableCode(code: GrpcStatus | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}
