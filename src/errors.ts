/**
 * The one error type of danube-connect-core. This module imports nothing else of ours, so
 * every layer (the client included) builds its errors on it.
 * @module
 */

/**
 * What went wrong, in words a caller can branch on:
 *
 * - `config`: the configuration or set-up is wrong (a key, a schema or TLS file, credentials
 *   or permissions the broker refuses, a namespace that does not exist). Never retried;
 *   `danube-connect run` exits with 2.
 * - `usage`: the SDK or the CLI was called wrongly (a bad argument, a call out of order).
 *   Never retried; the CLI exits with 2.
 * - `invalid_data`: one record cannot be represented or published as it is (the connector
 *   said so, a BigInt or a cycle in a payload). The failure policy applies.
 * - `schema`: a payload does not fit its topic's schema or cannot be encoded for it (NaN in
 *   JSON, a lone surrogate), or the registry or broker refused a schema. The failure policy
 *   applies to a record.
 * - `oversize`: a message is larger than the broker or the topic accepts. Not retried.
 * - `retryable`: a temporary failure the connector reported; retried with backoff.
 * - `unavailable`: the broker cannot be reached or cannot serve right now (restarting, a
 *   producer it lost, overload, no answer within `danube.request_timeout_ms`). Retried.
 * - `timeout`: a deadline for the whole operation passed and it was given up
 *   (`retry.publish_timeout_ms`, `processing.shutdown_timeout_ms`). Not retried.
 * - `rejected`: the broker refused to store a message. It says so for temporary conditions
 *   too (a topic being moved), so it is retried until the publish deadline.
 * - `not_found`: what was asked for does not exist (a schema subject or version, a topic).
 * - `fatal`: a permanent failure; the runtime stops.
 * - `stopping`: not done because the runtime, client, producer or consumer is stopping or
 *   closed.
 * - `aborted`: the caller's `AbortSignal` ended the operation.
 * - `internal`: something the SDK did not expect (a bug, or a broker answer it does not
 *   know). Errors that are not ours are counted under it too.
 */
export type ErrorKind =
  | 'config'
  | 'usage'
  | 'invalid_data'
  | 'schema'
  | 'oversize'
  | 'retryable'
  | 'unavailable'
  | 'timeout'
  | 'rejected'
  | 'not_found'
  | 'fatal'
  | 'stopping'
  | 'aborted'
  | 'internal';

// A record, so that a kind added to the union and not here fails to compile.
const KINDS: Readonly<Record<ErrorKind, true>> = {
  config: true,
  usage: true,
  invalid_data: true,
  schema: true,
  oversize: true,
  retryable: true,
  unavailable: true,
  timeout: true,
  rejected: true,
  not_found: true,
  fatal: true,
  stopping: true,
  aborted: true,
  internal: true,
};

/**
 * Every kind of failure, in one list. Whatever the SDK throws or rejects with carries one of
 * them in `kind`; metrics (`error_type`), CLI exit codes and retry decisions read it.
 */
export const ERROR_KINDS = Object.keys(KINDS) as readonly ErrorKind[];

/** Kinds after which the same operation may succeed if tried again. */
const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set(['retryable', 'unavailable', 'rejected']);

/** Where an error happened, as far as the code that raised it knows. */
export interface ErrorContext {
  /** The Danube topic (or partition topic) involved. */
  topic?: string | undefined;
  /** The configuration key path involved, e.g. `processing.batch_size`, `schemas[1].schema_file`. */
  keyPath?: string | undefined;
  /** The record's offset as text (`Offset.toString()`: `partition@value`). */
  offset?: string | undefined;
  /** The file involved: configuration, schema, TLS or connector module. */
  file?: string | undefined;
}

/** Options of {@link DanubeConnectError}: its context and the underlying error. */
export interface DanubeConnectErrorOptions extends ErrorContext {
  /** The underlying error, kept for logs and `error.cause`. */
  cause?: unknown;
}

/** Marks our errors across copies of the package (where `instanceof` cannot see them). */
const BRAND = Symbol.for('danube-connect-core.error');

/**
 * The base class of every error danube-connect-core throws or rejects with: one type to
 * catch, with a {@link ErrorKind} to branch on, the underlying `cause`, and the topic, key
 * path, offset or file involved when known. Subclasses exist only where they add fields
 * (`ConfigError.problems`, `DanubeError.code`, `SchemaValidationError.path`, …).
 *
 * @example
 * ```ts
 * try {
 *   await runtime.run();
 * } catch (error) {
 *   if (isDanubeConnectError(error, 'config')) console.error(`fix ${error.keyPath}: ${error.message}`);
 *   else throw error;
 * }
 * ```
 */
export class DanubeConnectError extends Error {
  override readonly name: string = 'DanubeConnectError';
  /** What went wrong; see {@link ErrorKind}. */
  readonly kind: ErrorKind;
  /** The Danube topic (or partition topic) involved, when known. */
  readonly topic: string | undefined;
  /** The configuration key path involved, when known. */
  readonly keyPath: string | undefined;
  /** The record's offset as text (`partition@value`), when known. */
  readonly offset: string | undefined;
  /** The file involved, when known. */
  readonly file: string | undefined;

  /**
   * @param kind - what went wrong
   * @param message - names the topic, key path, file or partition involved
   * @param options - the `cause` and the context
   */
  constructor(kind: ErrorKind, message: string, options: DanubeConnectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.topic = options.topic;
    this.keyPath = options.keyPath;
    this.offset = options.offset;
    this.file = options.file;
  }

  /**
   * Whether trying the same operation again may succeed: kinds `retryable`, `unavailable`
   * and `rejected`.
   */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}
Object.defineProperty(DanubeConnectError.prototype, BRAND, { value: true });

/** Text of any thrown value, for messages and attributes. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The thrown value as an Error: a value that is not one becomes kind `internal`. */
export function asError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new DanubeConnectError('internal', String(error), { cause: error });
}

/**
 * Whether `error` is a {@link DanubeConnectError} (of any subclass, from any copy of the
 * package), optionally of the given kind.
 *
 * @example
 * ```ts
 * if (isDanubeConnectError(error, 'unavailable')) scheduleRetry();
 * ```
 */
export function isDanubeConnectError(
  error: unknown,
  kind?: ErrorKind,
): error is DanubeConnectError {
  const ours =
    error instanceof DanubeConnectError ||
    (typeof error === 'object' && error !== null && BRAND in error);
  return ours && (kind === undefined || (error as DanubeConnectError).kind === kind);
}
