/**
 * The bounded set of values the `error_type` metric label takes. Dashboards and alerts
 * can rely on it: no other value is ever emitted.
 *
 * - `retryable` — a temporary failure (broker unavailable, producer recreated, connector
 *   said "try again"); counted each time a record finally fails for such a reason.
 * - `fatal` — a failure the runtime does not retry; also the bucket for anything that
 *   cannot be classified (an unknown error is never assumed safe to retry).
 * - `invalid_data` — the record itself is bad (connector's `ConnectorError.invalidData`).
 * - `broker_rejected` — the broker refused the message (permission, precondition,
 *   invalid argument other than size, missing namespace).
 * - `timeout` — the publish deadline (`retry.publish_timeout_ms`) or a call deadline passed.
 * - `oversize` — the message is larger than the topic's size policy allows.
 * - `schema` — the payload does not match the topic's schema, or a registry call failed.
 */
export const ERROR_TYPES = [
  'retryable',
  'fatal',
  'invalid_data',
  'broker_rejected',
  'timeout',
  'oversize',
  'schema',
] as const;

/**
 * One value of the `error_type` metric label: `retryable`, `fatal`, `invalid_data`,
 * `broker_rejected`, `timeout`, `oversize` or `schema` (the `ERROR_TYPES` list).
 */
export type ErrorType = (typeof ERROR_TYPES)[number];

/** The bucket used for values and errors that match no documented error type. */
export const UNKNOWN_ERROR_TYPE: ErrorType = 'fatal';

const ERROR_TYPE_SET: ReadonlySet<string> = new Set(ERROR_TYPES);

/** Whether `value` is one of the documented {@link ERROR_TYPES}. */
export function isErrorType(value: unknown): value is ErrorType {
  return typeof value === 'string' && ERROR_TYPE_SET.has(value);
}

/**
 * Normalizes a label value: a documented error type is returned as is, anything else maps
 * to {@link UNKNOWN_ERROR_TYPE} so free text never reaches a metric label.
 */
export function toErrorType(value: string): ErrorType {
  return isErrorType(value) ? value : UNKNOWN_ERROR_TYPE;
}

const GRPC_DEADLINE_EXCEEDED = 4;
const OVERSIZE_MESSAGE =
  /too large|exceeds? (the )?(max|maximum|limit|size)|message size|oversize/i;

/**
 * Classifies an error thrown anywhere in the data path into an {@link ErrorType}.
 *
 * Works structurally on the error's `kind`, `code` and `name`, so it understands
 * `ConnectorError` (`retryable`, `fatal`, `config`, `invalid_data`), `DanubeError`
 * (`unavailable`, `rejected`, `invalid_argument`, …), schema validation errors and
 * timeouts without importing them. Anything else is {@link UNKNOWN_ERROR_TYPE}.
 */
export function errorTypeOf(error: unknown): ErrorType {
  if (typeof error !== 'object' || error === null) return UNKNOWN_ERROR_TYPE;
  const { kind, code, name, message } = error as {
    kind?: unknown;
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  if (name === 'TimeoutError' || kind === 'timeout' || code === GRPC_DEADLINE_EXCEEDED) {
    return 'timeout';
  }
  if (name === 'SchemaValidationError' || kind === 'schema') return 'schema';
  switch (kind) {
    case 'invalid_data':
      return 'invalid_data';
    case 'retryable':
    case 'unavailable':
    case 'producer_not_found':
      return 'retryable';
    case 'invalid_argument':
      return OVERSIZE_MESSAGE.test(text) ? 'oversize' : 'broker_rejected';
    case 'rejected':
    case 'failed_precondition':
    case 'namespace_not_found':
      return 'broker_rejected';
    default:
      return UNKNOWN_ERROR_TYPE;
  }
}
