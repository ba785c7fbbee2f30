import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { errorMessage } from '../../errors.js';

/**
 * What a handler of the embedded broker throws to answer a call with a gRPC status. It never
 * leaves the broker (grpc-js sends it as the call's status, which the client turns into a
 * kind), so it is the wire's vocabulary rather than a `DanubeConnectError`.
 */
export class BrokerStatusError extends Error {
  override readonly name = 'BrokerStatusError';
  readonly code: GrpcStatus;

  constructor(code: GrpcStatus, message: string) {
    super(message);
    this.code = code;
  }
}

/** Shorthand for `new BrokerStatusError(code, message)`. */
export function statusError(code: GrpcStatus, message: string): BrokerStatusError {
  return new BrokerStatusError(code, message);
}

/** Turns anything thrown by a handler into the error object grpc-js sends. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof BrokerStatusError) {
    return { code: error.code, details: error.message, metadata: new Metadata() };
  }
  const message = errorMessage(error);
  return { code: GrpcStatus.INTERNAL, details: message, metadata: new Metadata() };
}

/** The name of a status code, e.g. `UNAVAILABLE`. */
export function statusName(code: GrpcStatus): string {
  return GrpcStatus[code] ?? String(code);
}
