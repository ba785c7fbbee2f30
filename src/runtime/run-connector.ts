import { loadConfig, type LoadConfigOptions } from '../config/load.js';
import type { SettingsSchema } from '../config/parse.js';
import { moduleSecrets, type ConnectorModule } from '../connector/define-connector.js';
import { SourceRuntime, type RunOptions, type SourceRuntimeOptions } from './source-runtime.js';

/** Options of {@link runConnector}: where the config comes from, and how to run. */
export interface RunConnectorOptions extends LoadConfigOptions, RunOptions {
  /** Passed to the {@link SourceRuntime}. */
  runtime?: SourceRuntimeOptions;
}

/**
 * Starts a connector module programmatically, as `danube-connect run <module>` does: loads
 * the TOML (`path` or `CONNECTOR_CONFIG_PATH`) with the module's settings schema, creates
 * the connector and runs it until stopped, redacting the module's `secrets` too.
 *
 * @example
 * ```ts
 * import connector from './my-connector.js';
 * await runConnector(connector, { path: 'connector.toml' });
 * ```
 */
export async function runConnector<S extends SettingsSchema>(
  module: ConnectorModule<S>,
  options: RunConnectorOptions = {},
): Promise<void> {
  const { runtime, signal, handleSignals, ...configOptions } = options;
  const config = await loadConfig(module.settings, configOptions);
  const connector = await module.create(config);
  const run: RunOptions = {
    ...(signal === undefined ? {} : { signal }),
    ...(handleSignals === undefined ? {} : { handleSignals }),
  };
  const secrets = [...(runtime?.secrets ?? []), ...moduleSecrets(module, config)];
  await new SourceRuntime(connector, config.core, { ...runtime, secrets }).run(run);
}
