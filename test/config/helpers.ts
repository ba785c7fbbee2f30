import { z } from 'zod';
import {
  ConfigError,
  parseConfig,
  type ConfigProblem,
  type ParseConfigOptions,
  type SettingsSchema,
} from '../../src/config/index.js';

/** The two keys every file needs. */
export const BASE =
  'danube_service_url = "http://localhost:6650"\nconnector_name = "test-source"\n';

/** {@link BASE} with an https URL, as a token or TLS files require. */
export const TLS_BASE =
  'danube_service_url = "https://localhost:6650"\nconnector_name = "test-source"\n';

/** Settings of a connector without keys of its own. */
export const NO_SETTINGS = z.object({});

/** Parses `toml` with an empty environment, collecting warnings instead of printing them. */
export function parse<S extends SettingsSchema = typeof NO_SETTINGS>(
  toml: string,
  settings?: S,
  options: ParseConfigOptions = {},
) {
  const warnings: string[] = [];
  const config = parseConfig(toml, settings ?? (NO_SETTINGS as S), {
    env: {},
    warn: (message) => warnings.push(message),
    ...options,
  });
  return { config, warnings };
}

/** Warnings of a file that loads. */
export function warningsOf(
  toml: string,
  settings?: SettingsSchema,
  options: ParseConfigOptions = {},
): string[] {
  return parse(toml, settings, options).warnings;
}

/** The ConfigError a file raises (fails the test when it loads). */
export function configError(
  toml: string,
  settings?: SettingsSchema,
  options: ParseConfigOptions = {},
): ConfigError {
  try {
    parse(toml, settings, options);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the configuration loaded');
}

/** Lines of the ConfigError message a file raises. */
export function errorLines(
  toml: string,
  settings?: SettingsSchema,
  options: ParseConfigOptions = {},
): string[] {
  return configError(toml, settings, options).message.split('\n');
}

export type { ConfigProblem };
