import { createRequire } from 'node:module';
import { pino, type DestinationStream } from 'pino';
import {
  DEFAULT_LOG_LEVEL,
  parseLogFilter,
  targetLevel,
  type LogFilter,
} from '../config/log-filter.js';
import { SecretRedactor } from '../redact.js';

/** The logger type of the runtime and its components (pino). */
export type Logger = pino.Logger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /**
   * Filter from the config (`processing.log_level`): a level (`info`) or Rust env-filter
   * directives (`info,mqtt=debug`). `LOG_LEVEL`, then `RUST_LOG`,
   * override it. Default `info`.
   */
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
  /** Environment to read `LOG_LEVEL` and `RUST_LOG` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A filter from the environment that could not be used, and why. */
export interface IgnoredLogFilter {
  readonly variable: 'LOG_LEVEL' | 'RUST_LOG' | 'processing.log_level';
  readonly value: string;
  readonly reason: string;
}

/** The filter in force and the filters passed over because they were invalid. */
export interface ResolvedLogFilter {
  readonly filter: LogFilter;
  /** Where the filter came from (`default` when nothing valid was set). */
  readonly source: IgnoredLogFilter['variable'] | 'default';
  readonly ignored: readonly IgnoredLogFilter[];
}

/**
 * The effective filter, as the Rust runtime chooses it: `LOG_LEVEL` when set and valid, else
 * `RUST_LOG` when set and valid, else the configured filter, else `info`.
 */
export function resolveLogFilter(
  configured?: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedLogFilter {
  const ignored: IgnoredLogFilter[] = [];
  const candidates = [
    ['LOG_LEVEL', env.LOG_LEVEL],
    ['RUST_LOG', env.RUST_LOG],
    ['processing.log_level', configured],
  ] as const;
  for (const [variable, value] of candidates) {
    if (value === undefined || value.trim() === '') continue;
    try {
      return { filter: parseLogFilter(value), source: variable, ignored };
    } catch (error) {
      ignored.push({ variable, value, reason: (error as Error).message });
    }
  }
  return { filter: { level: DEFAULT_LOG_LEVEL, targets: new Map() }, source: 'default', ignored };
}

/**
 * Creates the runtime's pino logger: JSON lines by default, every secret value replaced by
 * `[REDACTED]` in the final line — messages, bindings, nested objects, error messages,
 * stacks and causes alike — because scrubbing happens on the serialized text.
 *
 * Components log through children: `logger.child({ component: 'publisher' })`. A filter such
 * as `info,publisher=debug` (in `processing.log_level`, `LOG_LEVEL` or `RUST_LOG`) gives such a
 * child its own level.
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
  const { filter, ignored } = resolveLogFilter(options.level, env);
  const logger = pino(
    {
      level: filter.level,
      ...(filter.targets.size === 0 ? {} : { onChild: applyTargetLevel(filter) }),
      ...(options.name === undefined ? {} : { name: options.name }),
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: { streamWrite: (line) => redactor.redact(line) },
    },
    destinationFor(options),
  );
  for (const { variable, value, reason } of ignored) {
    // error level so the mistake shows even when the configured level is `error`
    logger.error({ [variable]: value, level: filter.level }, `ignoring ${variable}: ${reason}`);
  }
  return logger;
}

/** Sets a new child's level from the filter's `target=level` directive for its component. */
function applyTargetLevel(filter: LogFilter): (child: Logger) => void {
  return (child) => {
    const component: unknown = child.bindings().component;
    if (typeof component !== 'string') return;
    const level = targetLevel(filter, component);
    if (level !== undefined) child.level = level;
  };
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
