import type { Writable } from 'node:stream';

/**
 * What a command may touch of the outside world, injectable so commands run in-process in
 * tests: output streams, environment, working directory and the stop signal.
 */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /**
   * Aborted when the user asks to stop (SIGINT/SIGTERM in the real process); long-running
   * commands stop cleanly and exit 0.
   */
  readonly signal: AbortSignal;
}

/** Writes `text` plus a newline. */
export function println(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
