import { isDanubeConnectError, type ErrorKind } from '../errors.js';

/**
 * The `error_type` of a failure: the error's kind (see `ErrorKind`), so the metric label,
 * `/status` and the dead-letter attribute `dlq.error_type` take a bounded, documented set of
 * values. An error that is not ours counts as `internal`: it was not classified, so it is
 * never assumed to be retryable or the record's fault.
 */
export function errorTypeOf(error: unknown): ErrorKind {
  return isDanubeConnectError(error) ? error.kind : 'internal';
}
