/** Exit code used when a second signal forces the process out: 128 + signal number. */
export const FORCED_EXIT_CODES: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = {
  SIGINT: 130,
  SIGTERM: 143,
};

/** Options of {@link installSignalHandlers}. */
export interface SignalHandlerOptions {
  /** First SIGTERM / SIGINT: begin a graceful shutdown. */
  onShutdown: (signal: NodeJS.Signals) => void;
  /**
   * Second signal while shutting down; default: say so on stderr and
   * `process.exit(128 + signal number)`.
   */
  onForce?: (signal: NodeJS.Signals) => void;
}

/**
 * Installs SIGTERM / SIGINT handlers for the duration of `run()`: the first signal starts a
 * graceful shutdown, a second one forces the process out at once (exit code 130 for SIGINT,
 * 143 for SIGTERM) for operators who do not want to wait for the drain. Returns the function
 * that removes both handlers.
 */
export function installSignalHandlers(options: SignalHandlerOptions): () => void {
  let received = false;
  const force =
    options.onForce ??
    ((signal: NodeJS.Signals) => {
      process.stderr.write(`received ${signal} again: exiting now\n`);
      process.exit(FORCED_EXIT_CODES[signal as 'SIGINT' | 'SIGTERM'] ?? 1);
    });
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      force(signal);
      return;
    }
    received = true;
    options.onShutdown(signal);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
