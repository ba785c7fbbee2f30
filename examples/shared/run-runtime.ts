import {
  SourceRuntime,
  createLogger,
  type ConnectorConfig,
  type SourceConnector,
} from 'danube-connect-core';

/** A runtime started by {@link startRuntime}. */
export interface RunningRuntime {
  readonly runtime: SourceRuntime;
  /** Settles when `run()` does: resolves after a clean stop, rejects with the fatal error. */
  readonly finished: Promise<void>;
  /** Stops gracefully (drain, commit, shutdown) and waits for `run()` to resolve. */
  stop(): Promise<void>;
}

/**
 * Runs `connector` in a {@link SourceRuntime} until `stop()`: no signal handlers, no
 * observability server, logs at `logLevel` (silent by default). For tests.
 */
export function startRuntime(
  connector: SourceConnector,
  core: ConnectorConfig,
  options: { logLevel?: string } = {},
): RunningRuntime {
  const abort = new AbortController();
  const runtime = new SourceRuntime(connector, core, {
    http: false,
    logger: createLogger({ level: options.logLevel ?? 'silent', secrets: core.secrets }),
  });
  const finished = runtime.run({ signal: abort.signal, handleSignals: false });
  // Observed by stop() or by the test; never an unhandled rejection in between.
  finished.catch(() => {});
  return {
    runtime,
    finished,
    async stop() {
      abort.abort();
      await finished;
    },
  };
}
