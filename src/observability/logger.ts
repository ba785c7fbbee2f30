import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Level, type LevelWithSilent } from 'pino';
import { SecretRedactor } from './redact.js';

/** The logger type of the runtime and its components (pino). */
export type Logger = pino.Logger;

/** Levels accepted by `processing.log_level` and `LOG_LEVEL` (case-insensitive). */
export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Level from the config (`processing.log_level`); `LOG_LEVEL` overrides it. Default `info`. */
  level?: string;
  /** Secret values to replace with `[REDACTED]` in every line (values added later count too). */
  secrets?: Iterable<string> | SecretRedactor;
  /** Where lines go: a stream, a file descriptor or a file path. Default stdout. */
  destination?: DestinationStream | number | string;
  /**
   * Human-readable lines through `pino-pretty`. `'auto'` (default): when writing to stdout,
   * stdout is a TTY and the optional `pino-pretty` package is installed. `false`: JSON.
   */
  pretty?: boolean | 'auto';
  /** `name` field of every line, e.g. the connector name. */
  name?: string;
  /** Environment to read `LOG_LEVEL` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The effective level: `LOG_LEVEL` when set to a valid level, else the configured level,
 * else `info`. Case-insensitive; `warning` is accepted for `warn`.
 */
export function resolveLogLevel(
  configured?: string,
  env: NodeJS.ProcessEnv = process.env,
): LevelWithSilent {
  return parseLevel(env.LOG_LEVEL) ?? parseLevel(configured) ?? 'info';
}

/**
 * Creates the runtime's pino logger: JSON lines by default, every secret value replaced by
 * `[REDACTED]` in the final line — messages, bindings, nested objects, error messages,
 * stacks and causes alike — because scrubbing happens on the serialized text.
 *
 * Components log through children: `logger.child({ component: 'publisher' })`.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: config.core.processing.log_level, secrets: config.core.secrets });
 * logger.child({ component: 'poller' }).info({ topic }, 'polled %d records', n);
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const redactor =
    options.secrets instanceof SecretRedactor
      ? options.secrets
      : new SecretRedactor(options.secrets ?? []);
  const level = resolveLogLevel(options.level, env);
  const logger = pino(
    {
      level,
      ...(options.name === undefined ? {} : { name: options.name }),
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: { streamWrite: (line) => redactor.redact(line) },
    },
    destinationFor(options),
  );
  if (env.LOG_LEVEL !== undefined && env.LOG_LEVEL !== '' && !parseLevel(env.LOG_LEVEL)) {
    // error level so the mistake shows even when the configured level is `error`
    logger.error(
      { LOG_LEVEL: env.LOG_LEVEL, level },
      `ignoring LOG_LEVEL: not one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  return logger;
}

function parseLevel(value: string | undefined): LevelWithSilent | undefined {
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  const level = lower === 'warning' ? 'warn' : lower;
  return (LOG_LEVELS as readonly string[]).includes(level) ? (level as Level) : undefined;
}

function destinationFor(options: LoggerOptions): DestinationStream {
  const { destination } = options;
  if (destination !== undefined && typeof destination === 'object') return destination;
  if (destination !== undefined) return pino.destination({ dest: destination, sync: true });
  const wantPretty = options.pretty ?? 'auto';
  if (wantPretty === true || (wantPretty === 'auto' && process.stdout.isTTY)) {
    const pretty = loadPrettyStream();
    if (pretty !== undefined) return pretty;
  }
  return pino.destination({ dest: 1, sync: true });
}

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

/**
 * `pino-pretty` is an optional peer: resolved synchronously (so `createLogger` stays
 * synchronous and usable in constructors); absent → `undefined` and JSON output.
 */
function loadPrettyStream(): DestinationStream | undefined {
  try {
    const required: unknown = createRequire(import.meta.url)('pino-pretty');
    const factory = (
      typeof required === 'function'
        ? required
        : (required as { default?: unknown } | null)?.default
    ) as PrettyFactory | undefined;
    if (typeof factory !== 'function') return undefined;
    return factory({ colorize: true, sync: true, destination: 1, translateTime: 'SYS:standard' });
  } catch {
    return undefined;
  }
}
