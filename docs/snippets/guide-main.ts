import { SourceRuntime, loadConfig, runConnector } from 'danube-connect-core';
import connector from './guide-polling.js';

export async function startWithRunConnector(): Promise<void> {
  // #region run-connector
  // Loads CONNECTOR_CONFIG_PATH with the module's settings schema, creates the connector,
  // runs until SIGTERM / SIGINT, then drains, commits and calls shutdown().
  await runConnector(connector);
  // #endregion
}

export async function startByHand(): Promise<void> {
  // #region by-hand
  const config = await loadConfig(connector.settings, { path: 'config/connector.toml' });
  const source = await connector.create(config);
  const stop = new AbortController();
  await new SourceRuntime(source, config.core).run({
    signal: stop.signal, // stop.abort() stops gracefully
    handleSignals: true, // also stop on SIGTERM / SIGINT while running
  });
  // #endregion
}

export async function startAndAnnounce(): Promise<void> {
  const config = await loadConfig(connector.settings, { path: 'config/connector.toml' });
  const runtime = new SourceRuntime(await connector.create(config), config.core);
  // #region when-running
  const stopped = runtime.run();
  try {
    // Connected, connector initialized, producers created, polling or streaming started.
    await runtime.whenRunning();
    console.log(`running; status at ${runtime.httpUrl ?? '(no HTTP server)'}/status`);
  } finally {
    await stopped; // after a stop; rejects with the error of a failed start-up too
  }
  // #endregion
}
