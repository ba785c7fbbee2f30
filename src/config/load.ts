import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import {
  type ConfigOptions,
  type LoadedConfig,
  type SettingsSchema,
  configFromEnvironment,
  parseConfig,
} from './parse.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions extends ConfigOptions {
  /**
   * The TOML file; default the `CONNECTOR_CONFIG_PATH` environment variable. With neither,
   * the configuration comes from the environment alone.
   */
  path?: string;
}

/** Settings of a connector without root keys of its own (validates the core only). */
const noSettings = z.object({});

/** The file to read, or undefined for a configuration from the environment alone. */
function configPath(options: LoadConfigOptions): string | undefined {
  const env = options.env ?? process.env;
  const file = options.path ?? env.CONNECTOR_CONFIG_PATH;
  return file === undefined || file === '' ? undefined : file;
}

function readProblem(file: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'file not found'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES'
          ? 'permission denied'
          : error instanceof Error
            ? error.message
            : String(error);
  return new ConfigError(
    file,
    [{ path: '', message: `cannot read the configuration file: ${reason}` }],
    {
      cause: error,
    },
  );
}

function parseFile<S extends SettingsSchema>(
  text: string,
  file: string,
  settings: S | undefined,
  options: LoadConfigOptions,
): LoadedConfig<S> {
  return parseConfig(text, settings ?? (noSettings as S), {
    ...options,
    file,
    configDir: path.dirname(path.resolve(file)),
  });
}

/**
 * Reads, validates and types a connector's TOML configuration.
 *
 * Core keys (`danube_service_url`, `connector_name`, `[processing]`, `[retry]`, `[[schemas]]`,
 * `[danube]`) are validated by the core schema and returned as `config.core`; every other root
 * key is validated by `settings` and returned beside it. Environment overrides:
 * `DANUBE_SERVICE_URL`, `CONNECTOR_NAME`, `DANUBE_TOKEN`, and the settings fields declared
 * with `.meta({ env })`. Nothing else comes from the environment.
 *
 * Without a file (no `path`, `CONNECTOR_CONFIG_PATH` unset or empty) the configuration comes
 * from those variables alone, every other key at its default, as Rust's
 * `ConnectorConfig::from_env()`: `DANUBE_SERVICE_URL` and `CONNECTOR_NAME` are then required,
 * and so are the connector's settings that have no default.
 *
 * @example
 * ```ts
 * const settings = z.object({
 *   mqtt: z.object({
 *     broker_host: z.string(),
 *     password: z.string().optional().meta({ env: 'MQTT_PASSWORD', secret: true }),
 *     routes: z.array(z.object({ from: z.string(), to: z.string() })),
 *   }),
 * });
 * const config = await loadConfig(settings);   // CONNECTOR_CONFIG_PATH
 * config.core.processing.batch_size;           // 1000 unless set
 * config.mqtt.routes[0]?.to;
 * ```
 * @throws ConfigError listing every problem of the file (unreadable file, malformed TOML,
 *   wrong types, missing keys, bad values; unknown keys too when `strict`), or, without a
 *   file, every key the environment leaves missing (`file` is then `''`).
 */
export async function loadConfig<S extends SettingsSchema = typeof noSettings>(
  settings?: S,
  options: LoadConfigOptions = {},
): Promise<LoadedConfig<S>> {
  const file = configPath(options);
  if (file === undefined) return configFromEnvironment(settings ?? (noSettings as S), options);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw readProblem(file, error);
  }
  return parseFile(text, file, settings, options);
}

/** Synchronous {@link loadConfig}, for start-up code that cannot await. */
export function loadConfigSync<S extends SettingsSchema = typeof noSettings>(
  settings?: S,
  options: LoadConfigOptions = {},
): LoadedConfig<S> {
  const file = configPath(options);
  if (file === undefined) return configFromEnvironment(settings ?? (noSettings as S), options);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw readProblem(file, error);
  }
  return parseFile(text, file, settings, options);
}
