import type { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** One `danube-connect` sub-command. */
export interface Command {
  /** The word after `danube-connect`. */
  readonly name: string;
  /** Full `--help` text (usage, options, examples, exit codes). */
  readonly help: string;
  /** Runs the command with its own arguments; throws kind `usage` for bad arguments. */
  run(args: readonly string[], io: CliIo): Promise<ExitCode>;
}
