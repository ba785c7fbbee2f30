import type { status as GrpcStatus } from '@grpc/grpc-js';
import { DanubeConnectError, type DanubeConnectErrorOptions, type ErrorKind } from '../errors.js';

/** Options for {@link DanubeError}. */
export interface DanubeErrorOptions extends DanubeConnectErrorOptions {
  /** What went wrong. */
  kind: ErrorKind;
  /** The gRPC status the broker answered, when the error came from a call. */
  code?: GrpcStatus | undefined;
  /** The producer involved. */
  producer?: string | undefined;
}

/**
 * An error of the Danube client: a {@link DanubeConnectError} that also carries the gRPC
 * status the broker answered (for logs; branch on `kind`) and the producer involved.
 *
 * @example
 * ```ts
 * try { await producer.send(payload); }
 * catch (err) { if (isDanubeConnectError(err) && err.retryable) scheduleRetry(); }
 * ```
 */
export class DanubeError extends DanubeConnectError {
  override readonly name: string = 'DanubeError';
  /** The gRPC status the broker answered, when the error came from a call. */
  readonly code: GrpcStatus | undefined;
  /** The producer involved, when there is one. */
  readonly producer: string | undefined;

  /**
   * @param message - names the operation, topic and producer involved
   * @param options - the kind, the gRPC status, the context and the cause
   */
  constructor(message: string, options: DanubeErrorOptions) {
    super(options.kind, message, options);
    this.code = options.code;
    this.producer = options.producer;
  }
}
