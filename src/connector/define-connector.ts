import type { LoadedConfig, SettingsSchema } from '../config/parse.js';
import type { SourceConnector } from './source-connector.js';
import { DanubeConnectError } from '../errors.js';

/** What a runnable connector module default-exports (see {@link defineConnector}). */
export interface ConnectorModule<S extends SettingsSchema = SettingsSchema> {
  /** zod schema of the connector's root keys (`[mqtt]`, `[[routes]]`, …). */
  readonly settings: S;
  /** Builds the connector from the loaded configuration. */
  create(config: LoadedConfig<S>): SourceConnector | Promise<SourceConnector>;
  /**
   * Secret values the configuration does not declare (e.g. one read from an environment
   * variable whose name is a setting), redacted like `core.secrets` by `danube-connect run`
   * and `runConnector`: logs, `/status`, `/readyz`, the final error line.
   */
  secrets?(config: LoadedConfig<S>): Iterable<string>;
}

/**
 * Declares a runnable connector module for `danube-connect run <module>` and
 * `runConnector(module)`: the zod schema of its settings and a factory.
 *
 * @example
 * ```ts
 * export default defineConnector({
 *   settings: z.object({ counter: z.object({ topic: z.string(), key_env: z.string() }) }),
 *   create: (config) => new CounterSource(config.counter),
 *   // optional: values to redact that the configuration does not declare secret
 *   secrets: (config) => [process.env[config.counter.key_env] ?? ''],
 * });
 * ```
 */
export function defineConnector<S extends SettingsSchema>(
  definition: ConnectorModule<S>,
): ConnectorModule<S> {
  if (definition === null || typeof definition !== 'object') {
    throw new DanubeConnectError('usage', 'defineConnector needs { settings, create }');
  }
  if (typeof definition.create !== 'function') {
    throw new DanubeConnectError(
      'usage',
      'defineConnector: create(config) must be a function returning a SourceConnector',
    );
  }
  if (definition.settings === null || typeof definition.settings !== 'object') {
    throw new DanubeConnectError('usage', 'defineConnector: settings must be a zod object schema');
  }
  if (definition.secrets !== undefined && typeof definition.secrets !== 'function') {
    throw new DanubeConnectError(
      'usage',
      'defineConnector: secrets(config) must be a function returning strings',
    );
  }
  return Object.freeze({
    settings: definition.settings,
    create: definition.create.bind(definition),
    ...(definition.secrets === undefined ? {} : { secrets: definition.secrets.bind(definition) }),
  });
}

/**
 * The extra secrets a connector module declares for `config` (none without a `secrets`
 * hook); empty values are ignored by the redactor.
 */
export function moduleSecrets<S extends SettingsSchema>(
  module: ConnectorModule<S>,
  config: LoadedConfig<S>,
): string[] {
  return [...(module.secrets?.(config) ?? [])];
}

/** Whether `value` looks like a module made by {@link defineConnector}. */
export function isConnectorModule(value: unknown): value is ConnectorModule {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { create?: unknown }).create === 'function' &&
    typeof (value as { settings?: unknown }).settings === 'object'
  );
}
