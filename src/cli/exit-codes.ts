import { isDanubeConnectError } from '../errors.js';

/**
 * Exit codes of `danube-connect`, the same for every command:
 *
 * - `0` — success: the command finished, or a long-running one (`run`, `dev-broker`,
 *   `consume`) stopped cleanly on SIGINT/SIGTERM.
 * - `1` — failure: `validate-config` found problems, the connector stopped on a fatal
 *   error, the broker could not be reached.
 * - `2` — usage or set-up error: unknown command or option, missing argument, a module that
 *   cannot be loaded or has no `defineConnector` default export, a configuration that
 *   cannot be loaded by `run`.
 * - `130` / `143` — a long-running command forced out by a second SIGINT / SIGTERM.
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
} as const;

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit code a command ends with when it fails with `error`: its kind decides. `usage`
 * and `config` (bad arguments, a module that cannot be loaded, an invalid configuration,
 * set-up the broker refuses) → 2; every other kind (a fatal connector error, an unreachable
 * broker: `unavailable`, …) and errors that are not ours → 1.
 */
export function exitCodeOf(error: unknown): ExitCode {
  return isDanubeConnectError(error, 'usage') || isDanubeConnectError(error, 'config')
    ? EXIT.USAGE
    : EXIT.FAILURE;
}

/** The exit-code paragraph help texts end with, unless the command lists its own codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success (long-running commands: stopped cleanly by Ctrl-C / SIGTERM)
  1  failure (invalid configuration, fatal connector error, broker unreachable)
  2  usage or set-up error (bad arguments, module or configuration cannot be loaded)
  130/143  forced out by a second SIGINT / SIGTERM while stopping`;
