import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DanubeConnectError, errorMessage } from '../errors.js';

/** A command line the user got wrong (kind `usage`): printed with the command's usage, exit code 2. */
export function usageError(message: string): DanubeConnectError {
  return new DanubeConnectError('usage', message);
}

/** Option declarations in `node:util` `parseArgs` form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed options and positionals of one command. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * Parses a command's arguments strictly (unknown options and missing values are
 * usage errors, see {@link usageError}). `--help`/`-h` is always accepted.
 */
export function parseCommandArgs(
  args: readonly string[],
  options: OptionSpec,
  maxPositionals: number,
): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    const result = parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals: true,
      strict: true,
    });
    parsed = { values: result.values, positionals: result.positionals };
  } catch (error) {
    throw usageError(errorMessage(error));
  }
  if (parsed.values.help !== true && parsed.positionals.length > maxPositionals) {
    throw usageError(`unexpected argument: ${parsed.positionals[maxPositionals] ?? ''}`);
  }
  return parsed;
}

/** A string option's value, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option's values (empty when absent). */
export function stringList(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** Whether a boolean flag was given. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** An integer option within [min, max], or `fallback` when absent. */
export function integerOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    throw usageError(
      `--${name} must be an integer from ${range.min} to ${range.max}, got "${text}"`,
    );
  }
  return value;
}
