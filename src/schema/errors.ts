import { DanubeConnectError, type DanubeConnectErrorOptions, type ErrorKind } from '../errors.js';

/**
 * A schema could not be loaded, checked, registered or resolved, reported before any record
 * is sent: a configuration problem (kind `config`), unless the registry could not be reached
 * (then the kind of that failure, e.g. `unavailable`).
 */
export class SchemaError extends DanubeConnectError {
  override readonly name: string = 'SchemaError';
  /** The schema subject involved, when known. */
  readonly subject: string | undefined;

  /**
   * @param message - names the topic, subject and file involved
   * @param options - the kind (default `config`; a registry that cannot be reached gives its
   *   own, e.g. `unavailable`), the schema subject, the context and the cause
   */
  constructor(
    message: string,
    options: DanubeConnectErrorOptions & { kind?: ErrorKind; subject?: string | undefined } = {},
  ) {
    super(options.kind ?? 'config', message, options);
    this.subject = options.subject;
  }
}

/**
 * One payload does not fit its topic's schema, or cannot be encoded for the topic at all (NaN
 * in JSON, a lone surrogate): kind `schema`, the failure policy applies.
 * The message names topic, subject, version and the failing path, e.g.
 * `/iot/sensors (subject sensor-v1 v2): $.temperature: must be number`.
 */
export class SchemaValidationError extends DanubeConnectError {
  override readonly name: string = 'SchemaValidationError';
  declare readonly kind: 'schema';
  declare readonly topic: string;
  /** The schema subject, when the topic has one. */
  readonly subject: string | undefined;
  /** The subject's version the payload was checked against. */
  readonly version: number | undefined;
  /** JSONPath-like location of the problem inside the payload (`$` = the whole payload). */
  readonly path: string;
  /** What is wrong at {@link SchemaValidationError.path}, without the location prefix. */
  readonly reason: string;

  /**
   * @param where - the topic, and the schema subject and version when the topic has one
   * @param path - where in the payload, e.g. `$.temperature`
   * @param reason - what is wrong there
   * @param options - the underlying error
   */
  constructor(
    where: { topic: string; subject?: string | undefined; version?: number | undefined },
    path: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super('schema', `${describeTarget(where)}: ${path}: ${reason}`, {
      topic: where.topic,
      cause: options.cause,
    });
    this.subject = where.subject;
    this.version = where.version;
    this.path = path;
    this.reason = reason;
  }
}

/** `/iot/sensors (subject sensor-v1 v2)`, `/iot/sensors (subject sensor-v1)` or `/iot/sensors`. */
function describeTarget(where: {
  topic: string;
  subject?: string | undefined;
  version?: number | undefined;
}): string {
  if (where.subject === undefined) return where.topic;
  const version = where.version === undefined ? '' : ` v${where.version}`;
  return `${where.topic} (subject ${where.subject}${version})`;
}
