import type { LevelWithSilent } from 'pino';
import { DanubeConnectError } from '../errors.js';

/**
 * A log filter in the syntax of the Rust runtime's `tracing` env filter (`RUST_LOG`):
 * comma-separated directives, each a level (`info`) or a `target=level` pair (`mqtt=debug`).
 * A bare word that is not a level is refused (Rust reads it as `word=trace`): here it is far
 * more often a mistyped level.
 *
 * Targets name child loggers by their `component` binding: `pipeline=debug` sets the level of
 * `logger.child({ component: 'pipeline' })`, and of `pipeline::…` components below it. The
 * longest matching target wins; loggers no directive names use the default level.
 */
export interface LogFilter {
  /** Level of the root logger and of children no directive names. */
  readonly level: LevelWithSilent;
  /** Level per target (a `component` value), from the `target=level` directives. */
  readonly targets: ReadonlyMap<string, LevelWithSilent>;
}

/** Level names as written in filters, Rust's and pino's, case-insensitive. */
const LEVEL_NAMES: Readonly<Record<string, LevelWithSilent>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  silent: 'silent',
  off: 'silent',
  // Rust's numeric level filters.
  '0': 'silent',
  '1': 'error',
  '2': 'warn',
  '3': 'info',
  '4': 'debug',
  '5': 'trace',
};

/** Level used when a filter names no default level (see docs/operations.md#logs). */
export const DEFAULT_LOG_LEVEL: LevelWithSilent = 'info';

const TARGET = /^[A-Za-z0-9_.:/-]+$/;

/** One level name (`INFO`, `warning`, `off`, `3`), or undefined when it is not one. */
export function levelOf(text: string): LevelWithSilent | undefined {
  return LEVEL_NAMES[text.trim().toLowerCase()];
}

/**
 * Parses a filter. Throws (kind `config`) a message that says which directive is wrong, for the
 * caller to report with the key or variable it came from.
 *
 * @example
 * ```ts
 * parseLogFilter('info,mqtt=debug'); // { level: 'info', targets: Map { 'mqtt' => 'debug' } }
 * ```
 */
export function parseLogFilter(text: string): LogFilter {
  let level: LevelWithSilent | undefined;
  const targets = new Map<string, LevelWithSilent>();
  for (const raw of text.split(',')) {
    const directive = raw.trim();
    if (directive === '') continue;
    if (directive.includes('[') || directive.includes('{')) {
      throw new DanubeConnectError(
        'config',
        `"${directive}": span and field filters ([…], {…}) are not supported; use target=level`,
      );
    }
    const eq = directive.indexOf('=');
    if (eq < 0) {
      const bare = levelOf(directive);
      if (bare === undefined) {
        throw new DanubeConnectError(
          'config',
          `"${directive}" is not a level (trace, debug, info, warn, error, off)${TARGET.test(directive) ? `; for a target write ${directive}=trace` : ''}`,
        );
      }
      level = bare;
      continue;
    }
    const target = directive.slice(0, eq).trim();
    const targetLevel = levelOf(directive.slice(eq + 1));
    if (!TARGET.test(target)) {
      throw new DanubeConnectError('config', `"${directive}": "${target}" is not a target name`);
    }
    if (targetLevel === undefined) {
      throw new DanubeConnectError(
        'config',
        `"${directive}": "${directive.slice(eq + 1).trim()}" is not a level (trace, debug, info, warn, error, off)`,
      );
    }
    targets.set(target, targetLevel);
  }
  if (level === undefined && targets.size === 0) {
    throw new DanubeConnectError('config', 'no level given (e.g. "info" or "info,mqtt=debug")');
  }
  return { level: level ?? DEFAULT_LOG_LEVEL, targets };
}

/**
 * The level a filter gives a child logger with this `component`, or undefined when no
 * directive names it (the child then keeps its parent's level).
 */
export function targetLevel(filter: LogFilter, component: string): LevelWithSilent | undefined {
  let best: string | undefined;
  for (const target of filter.targets.keys()) {
    const matches = component === target || component.startsWith(`${target}::`);
    if (matches && (best === undefined || target.length > best.length)) best = target;
  }
  return best === undefined ? undefined : filter.targets.get(best);
}
