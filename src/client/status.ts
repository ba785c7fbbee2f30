import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { DanubeError, type DanubeErrorKind } from './errors.js';

/** What the client was doing when a call failed; names end up in the error message. */
export interface CallContext {
  /** The rpc or operation, e.g. `SendMessage`, `CreateProducer`. */
  operation: string;
  topic?: string | undefined;
  producer?: string | undefined;
  /** Kind given to NOT_FOUND (depends on the call: unknown producer, unknown schema…). */
  notFoundKind?: DanubeErrorKind;
}

const NAMESPACE_MISSING = /unable to find the namespace/i;

/**
 * The broker's schema-enforcement refusals (topic validation policy "enforce"). They come as
 * PERMISSION_DENIED like temporary failures, but the same message is refused every time.
 */
const SCHEMA_REFUSAL =
  /payload validation failed|schema subject mismatch|missing schema_id|requires schema but none is configured|schema id \d+ not found/i;

/** Whether a value looks like a grpc-js call error (has a numeric `code`). */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

/** The grpc status name of a code, e.g. `UNAVAILABLE`. */
export function statusName(code: GrpcStatus): string {
  return GrpcStatus[code] ?? String(code);
}

/** The namespace segment of `/namespace/name` (or of a partition topic). */
export function namespaceOf(topic: string): string {
  return topic.split('/').filter((part) => part !== '')[0] ?? topic;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * Decodes a `grpc-message` value: runs of `%XX` are the bytes of UTF-8 text, everything else
 * is taken as is, including a `%` not followed by two hex digits and a run that is not UTF-8.
 * Servers encode differently (tonic encodes `#` and `?` but older releases leave `%` alone;
 * grpc-js uses `encodeURI`), and grpc-js's own `decodeURI` leaves `%23` / `%3F` encoded or
 * gives up on a stray `%`: decoding what reaches us once more repairs all of them.
 */
export function decodeGrpcMessage(raw: string): string {
  if (!raw.includes('%')) return raw;
  return raw.replace(PERCENT_RUN, (run) => {
    try {
      return UTF8.decode(Buffer.from(run.replaceAll('%', ''), 'hex'));
    } catch {
      return run;
    }
  });
}

/**
 * Turns a failed gRPC call into a {@link DanubeError} whose kind and retryable flag follow
 * the broker's status codes (see the protocol facts).
 */
export function errorFromStatus(error: ServiceError, context: CallContext): DanubeError {
  const code = error.code;
  const details = decodeGrpcMessage(error.details || error.message);
  const where = describe(context);
  const base = {
    code,
    topic: context.topic,
    producer: context.producer,
    cause: error,
  };
  if (code === GrpcStatus.UNAVAILABLE && NAMESPACE_MISSING.test(details) && context.topic) {
    const namespace = namespaceOf(context.topic);
    return new DanubeError(
      `namespace "${namespace}" does not exist on the broker (topic ${context.topic}): create it first (${details})`,
      { ...base, kind: 'namespace_not_found', retryable: false },
    );
  }
  const message = `${where} failed: ${statusName(code)}: ${details}`;
  if (code === GrpcStatus.PERMISSION_DENIED && SCHEMA_REFUSAL.test(details)) {
    return new DanubeError(message, { ...base, kind: 'schema', retryable: false });
  }
  return new DanubeError(message, { ...base, ...classify(code, context) });
}

function classify(
  code: GrpcStatus,
  context: CallContext,
): { kind: DanubeErrorKind; retryable: boolean } {
  switch (code) {
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.RESOURCE_EXHAUSTED:
    case GrpcStatus.DEADLINE_EXCEEDED:
      return { kind: 'unavailable', retryable: true };
    case GrpcStatus.NOT_FOUND: {
      const kind = context.notFoundKind ?? 'internal';
      return { kind, retryable: kind === 'producer_not_found' };
    }
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
      return { kind: 'invalid_argument', retryable: false };
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.ALREADY_EXISTS:
      return { kind: 'failed_precondition', retryable: false };
    case GrpcStatus.PERMISSION_DENIED:
      // The broker answers every SendMessage failure with PERMISSION_DENIED, temporary ones too.
      return { kind: 'rejected', retryable: context.operation === 'SendMessage' };
    case GrpcStatus.UNAUTHENTICATED:
      return { kind: 'config', retryable: false };
    case GrpcStatus.CANCELLED:
      return { kind: 'closed', retryable: false };
    default:
      return { kind: 'internal', retryable: false };
  }
}

function describe(context: CallContext): string {
  const parts = [context.operation];
  if (context.topic !== undefined) parts.push(`on topic ${context.topic}`);
  if (context.producer !== undefined) parts.push(`(producer ${context.producer})`);
  return parts.join(' ');
}

/** The error every operation of a closed client, producer or consumer rejects with. */
export function closedError(what: string, context: Partial<CallContext> = {}): DanubeError {
  return new DanubeError(`${what} is closed`, {
    kind: 'closed',
    retryable: false,
    topic: context.topic,
    producer: context.producer,
  });
}
