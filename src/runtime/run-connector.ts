import { loadConfig, type LoadConfigOptions } from '../config/load.js';
import type { SettingsSchema } from '../config/parse.js';
import { moduleSecrets, type ConnectorModule } from '../connector/define-connector.js';
import { SecretRedactor } from '../redact.js';
import { SourceRuntime, type RunOptions, type SourceRuntimeOptions } from './source-runtime.js';

/** Options of {@link runConnector}: where the config comes from, and how to run. */
export interface RunConnectorOptions extends LoadConfigOptions, RunOptions {
  /** Passed to the {@link SourceRuntime}. */
  runtime?: SourceRuntimeOptions;
}

/**
 * Starts a connector module programmatically; `danube-connect run <module>` is this call:
 * loads the TOML (`path` or `CONNECTOR_CONFIG_PATH`) with the module's settings schema,
 * creates the connector and runs it until stopped, redacting the module's `secrets` too.
 * Rejects with a `ConfigError` when the configuration is invalid, else with the error that
 * stopped the connector, its message and stack scrubbed of every secret (so it can be
 * logged as it is).
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
  const redactor = new SecretRedactor([...config.core.secrets, ...(runtime?.secrets ?? [])]);
  const run: RunOptions = {
    ...(signal === undefined ? {} : { signal }),
    ...(handleSignals === undefined ? {} : { handleSignals }),
  };
  try {
    const extra = moduleSecrets(module, config);
    redactor.add(...extra);
    const connector = await module.create(config);
    const secrets = [...(runtime?.secrets ?? []), ...extra];
    await new SourceRuntime(connector, config.core, { ...runtime, secrets }).run(run);
  } catch (error) {
    throw scrubbed(error, redactor);
  }
}

/** The error with its message and stack redacted (kind, class and fields kept). */
function scrubbed(error: unknown, redactor: SecretRedactor): Error {
  if (!(error instanceof Error)) return new Error(redactor.redact(String(error)));
  error.message = redactor.redact(error.message);
  if (typeof error.stack === 'string') error.stack = redactor.redact(error.stack);
  return error;
}
