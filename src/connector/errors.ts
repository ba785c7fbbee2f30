/**
 * How the runtime should react to a connector failure.
 *
 * - `retryable`: temporary (network blip, rate limit, source down): retried with backoff.
 * - `fatal`: permanent (auth failure, lost upstream): the runtime stops.
 * - `config`: the configuration is wrong: the runtime stops and names the key.
 * - `invalid_data`: one record cannot be published: the failure policy applies.
 */
export type ConnectorErrorKind = 'retryable' | 'fatal' | 'config' | 'invalid_data';

/** Options accepted by the {@link ConnectorError} factories. */
export interface ConnectorErrorOptions {
  /** The underlying error, kept for logs and `err.cause`. */
  cause?: unknown;
}

/**
 * The error type connectors throw to tell the runtime what to do.
 *
 * @example
 * ```ts
 * try { rows = await db.query(sql); }
 * catch (err) { throw ConnectorError.retryable('database unreachable', { cause: err }); }
 * ```
 */
export class ConnectorError extends Error {
  override readonly name: string = 'ConnectorError';
  /** How the runtime reacts to this error. */
  readonly kind: ConnectorErrorKind;

  constructor(kind: ConnectorErrorKind, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
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
  static retryable(message: string, options?: ConnectorErrorOptions): ConnectorError {
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
  static fatal(message: string, options?: ConnectorErrorOptions): ConnectorError {
    return new ConnectorError('fatal', message, options);
  }

  /**
   * A configuration mistake; name the key path in the message.
   *
   * @example
   * ```ts
   * throw ConnectorError.config('mqtt.broker_url must start with mqtt:// or mqtts://');
   * ```
   */
  static config(message: string, options?: ConnectorErrorOptions): ConnectorError {
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
  static invalidData(message: string, options?: ConnectorErrorOptions): ConnectorError {
    return new ConnectorError('invalid_data', message, options);
  }
}

/** Whether `err` is a {@link ConnectorError}, optionally of the given kind. */
export function isConnectorError(err: unknown, kind?: ConnectorErrorKind): err is ConnectorError {
  return err instanceof ConnectorError && (kind === undefined || err.kind === kind);
}

/**
 * Thrown by `SourceSender.send` / `sendBatch` once the runtime began to stop (signal,
 * abort or fatal error): the record was not accepted and will not be published.
 *
 * @example
 * ```ts
 * try { await sender.send(record); }
 * catch (err) { if (err instanceof RuntimeStoppingError) return; throw err; }
 * ```
 */
export class RuntimeStoppingError extends Error {
  override readonly name = 'RuntimeStoppingError';

  constructor(message = 'the runtime is stopping: no more records are accepted') {
    super(message);
  }
}
