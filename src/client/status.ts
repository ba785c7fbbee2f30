import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { ErrorKind } from '../errors.js';
import { DanubeError } from './errors.js';

/** What the client was doing when a call failed; names end up in the error message. */
export interface CallContext {
  /** The rpc or operation, e.g. `SendMessage`, `CreateProducer`. */
  operation: string;
  topic?: string | undefined;
  producer?: string | undefined;
  /**
   * Kind given to NOT_FOUND, when the call gives it a meaning of its own (SendMessage: the
   * broker lost the producer, which is recreated); default `not_found`.
   */
  notFoundKind?: ErrorKind;
  /** Kind given to INTERNAL, when the call gives it a meaning (the registry's refusals); default `internal`. */
  internalKind?: ErrorKind;
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
 * Turns a failed gRPC call into a {@link DanubeError} whose kind follows the broker's status
 * codes (see the protocol facts). The broker says two things only in its message text: a
 * missing namespace (UNAVAILABLE) and a schema refusal (PERMISSION_DENIED); they are read
 * here, once, where the wire answer becomes a kind.
 */
export function errorFromStatus(error: ServiceError, context: CallContext): DanubeError {
  const code = error.code;
  const details = decodeGrpcMessage(error.details || error.message);
  const base = { code, topic: context.topic, producer: context.producer, cause: error };
  if (code === GrpcStatus.UNAVAILABLE && NAMESPACE_MISSING.test(details) && context.topic) {
    const namespace = namespaceOf(context.topic);
    return new DanubeError(
      `namespace "${namespace}" does not exist on the broker (topic ${context.topic}): create it first (${details})`,
      { ...base, kind: 'config' },
    );
  }
  const message = `${describe(context)} failed: ${statusName(code)}: ${details}`;
  if (code === GrpcStatus.PERMISSION_DENIED && SCHEMA_REFUSAL.test(details)) {
    return new DanubeError(message, { ...base, kind: 'schema' });
  }
  return new DanubeError(message, { ...base, kind: kindOfStatus(code, context) });
}

/**
 * The kind of a status code. What is temporary is `unavailable` (retried, like the Rust
 * client retries UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED); what the caller's
 * set-up got wrong (topic name, dispatch strategy or schema subject against the topic's,
 * credentials, permissions) is `config`.
 */
function kindOfStatus(code: GrpcStatus, context: CallContext): ErrorKind {
  const sending = context.operation === 'SendMessage';
  switch (code) {
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.RESOURCE_EXHAUSTED:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.CANCELLED: // ours never get here (closed or aborted first): the peer's
      return 'unavailable';
    case GrpcStatus.NOT_FOUND:
      return context.notFoundKind ?? 'not_found';
    case GrpcStatus.INVALID_ARGUMENT:
      // A sent message's only invalid argument is its size (over the topic's policy).
      return sending ? 'oversize' : 'config';
    case GrpcStatus.OUT_OF_RANGE:
      // tonic's answer to a frame over the server's limit.
      return 'oversize';
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.UNAUTHENTICATED:
      return 'config';
    case GrpcStatus.PERMISSION_DENIED:
      // The broker answers every SendMessage failure with PERMISSION_DENIED, temporary ones too.
      return sending ? 'rejected' : 'config';
    case GrpcStatus.INTERNAL:
      return context.internalKind ?? 'internal';
    default:
      return 'internal';
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
    kind: 'stopping',
    topic: context.topic,
    producer: context.producer,
  });
}
