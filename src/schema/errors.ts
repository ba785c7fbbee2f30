/**
 * A schema could not be loaded, checked, registered or resolved: a configuration problem
 * (kind `config`), reported before any record is sent.
 */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly kind = 'config' as const;
  readonly topic: string | undefined;
  readonly subject: string | undefined;
  /** The schema file involved, when there is one. */
  readonly file: string | undefined;

  constructor(
    message: string,
    options: { topic?: string; subject?: string; file?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.topic = options.topic;
    this.subject = options.subject;
    this.file = options.file;
  }
}

/**
 * One payload does not fit its topic's schema (kind `invalid_data`: the failure policy applies).
 * The message names topic, subject, version and the failing path, e.g.
 * `/iot/sensors (subject sensor-v1 v2): $.temperature: must be number`.
 */
export class SchemaValidationError extends Error {
  override readonly name = 'SchemaValidationError';
  readonly kind = 'invalid_data' as const;
  readonly topic: string;
  readonly subject: string | undefined;
  readonly version: number | undefined;
  /** JSONPath-like location of the problem inside the payload (`$` = the whole payload). */
  readonly path: string;
  /** What is wrong at {@link SchemaValidationError.path}, without the location prefix. */
  readonly reason: string;

  constructor(
    where: { topic: string; subject?: string | undefined; version?: number | undefined },
    path: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      `${describeTarget(where)}: ${path}: ${reason}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.topic = where.topic;
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
