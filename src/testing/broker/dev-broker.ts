import { installSignalHandlers } from '../../runtime/signals.js';
import { startBroker, type EmbeddedBroker } from './server.js';
import type { BrokerOptions } from './types.js';

/** Options of {@link runDevBroker}. */
export interface DevBrokerOptions extends BrokerOptions {
  /** Stops the broker when aborted. */
  signal?: AbortSignal;
  /**
   * Stop on SIGINT / SIGTERM, a second signal exiting at once (default true); the handlers
   * are removed afterwards.
   */
  handleSignals?: boolean;
  /** Called once the broker listens; default prints its URL on stdout. */
  onReady?: (broker: EmbeddedBroker) => void;
}

/**
 * Runs the embedded broker in the foreground until aborted or interrupted (what
 * `danube-connect dev-broker` does). Resolves once the broker is closed.
 *
 * @example
 * ```ts
 * await runDevBroker({ port: 6650, namespaces: ['default', 'iot'] });
 * ```
 */
export async function runDevBroker(options: DevBrokerOptions = {}): Promise<void> {
  const { signal, handleSignals = true, onReady, ...brokerOptions } = options;
  if (signal?.aborted) return;
  const broker = await startBroker(brokerOptions);
  let removeSignalHandlers: (() => void) | undefined;
  try {
    (onReady ?? ((b) => process.stdout.write(`Danube dev broker listening on ${b.url}\n`)))(broker);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        signal?.removeEventListener('abort', stop);
        resolve();
      };
      signal?.addEventListener('abort', stop, { once: true });
      // Installed until the broker is closed: a second signal while closing exits at once.
      if (handleSignals) removeSignalHandlers = installSignalHandlers({ onShutdown: stop });
    });
  } finally {
    await broker.close();
    removeSignalHandlers?.();
  }
}
