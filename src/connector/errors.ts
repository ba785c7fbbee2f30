import { DanubeConnectError, type DanubeConnectErrorOptions } from '../errors.js';

/**
 * The kinds a connector reports, and how the runtime reacts:
 *
 * - `retryable`: temporary (network blip, rate limit, source down): retried with backoff.
 * - `fatal`: permanent (auth failure, lost upstream): the runtime stops.
 * - `config`: the configuration is wrong: the runtime stops and names the key.
 * - `invalid_data`: one record cannot be published: the failure policy applies.
 */
export type ConnectorErrorKind = 'retryable' | 'fatal' | 'config' | 'invalid_data';

/**
 * The error type connectors throw to tell the runtime what to do: a
 * {@link DanubeConnectError} whose kind is one of {@link ConnectorErrorKind}, made by the
 * static factories.
 *
 * @example
 * ```ts
 * try { rows = await db.query(sql); }
 * catch (err) { throw ConnectorError.retryable('database unreachable', { cause: err }); }
 * ```
 */
export class ConnectorError extends DanubeConnectError {
  override readonly name: string = 'ConnectorError';
  /** How the runtime reacts to this error. */
  declare readonly kind: ConnectorErrorKind;

  /**
   * @param kind - how the runtime reacts
   * @param message - names the key path, record, topic or partition involved
   * @param options - the `cause` and the context (topic, key path, offset, file)
   */
  constructor(kind: ConnectorErrorKind, message: string, options?: DanubeConnectErrorOptions) {
    super(kind, message, options);
  }

  /**
   * A temporary failure. From `poll()` or a stream task: retried with capped exponential
   * backoff, without limit unless `retry.source_retry_timeout_ms` is set (`/readyz` answers
   * 503 meanwhile). From `commit()`: retried up to `retry.max_retries` times.
   *
   * @example
   * ```ts
   * throw ConnectorError.retryable('HTTP 429 from upstream', { cause: response });
   * ```
   */
  static retryable(message: string, options?: DanubeConnectErrorOptions): ConnectorError {
    return new ConnectorError('retryable', message, options);
  }

  /**
   * A permanent failure: the runtime drains what it accepted, commits, shuts down and
   * `run()` rejects with this error.
   *
   * @example
   * ```ts
   * throw ConnectorError.fatal('authentication refused by upstream');
   * ```
   */
  static fatal(message: string, options?: DanubeConnectErrorOptions): ConnectorError {
    return new ConnectorError('fatal', message, options);
  }

  /**
   * A configuration mistake; name the key path in the message (and in `keyPath`).
   *
   * @example
   * ```ts
   * throw ConnectorError.config('mqtt.broker_url must start with mqtt:// or mqtts://', {
   *   keyPath: 'mqtt.broker_url',
   * });
   * ```
   */
  static config(message: string, options?: DanubeConnectErrorOptions): ConnectorError {
    return new ConnectorError('config', message, options);
  }

  /**
   * A record that cannot be represented or published (cycle, BigInt, NaN, schema mismatch).
   *
   * @example
   * ```ts
   * throw ConnectorError.invalidData(`row ${id}: price is not a number`);
   * ```
   */
  static invalidData(message: string, options?: DanubeConnectErrorOptions): ConnectorError {
    return new ConnectorError('invalid_data', message, options);
  }
}

/**
 * Thrown by `SourceSender.send` / `sendBatch` once the runtime began to stop (signal,
 * abort or fatal error): the record was not accepted and will not be published. Kind
 * `stopping`.
 *
 * @example
 * ```ts
 * try { await sender.send(record); }
 * catch (err) { if (err instanceof RuntimeStoppingError) return; throw err; }
 * ```
 */
export class RuntimeStoppingError extends DanubeConnectError {
  override readonly name: string = 'RuntimeStoppingError';
  declare readonly kind: 'stopping';

  /** @param message - why nothing more is accepted */
  constructor(
    message = 'the runtime is stopping: no more records are accepted',
    options?: DanubeConnectErrorOptions,
  ) {
    super('stopping', message, options);
  }
}
