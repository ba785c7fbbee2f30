import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { parseConfig, type LoadedConfig, type SettingsSchema } from 'danube-connect-core';

/** Nested TOML tables to merge over an example's `connector.toml`. */
export type TomlPatch = { [key: string]: unknown };

/**
 * Loads `<dir>/connector.toml` as the runtime would, with `patch` merged over it (tables
 * merged key by key, anything else replaced) and `env` as the environment. Warnings are
 * dropped. For tests: one example config, small variations.
 */
export function exampleConfig<S extends SettingsSchema>(
  settings: S,
  dir: string,
  options: { env: Record<string, string>; patch?: TomlPatch },
): LoadedConfig<S> {
  const root = parse(readFileSync(join(dir, 'connector.toml'), 'utf8')) as TomlPatch;
  merge(root, options.patch ?? {});
  return parseConfig(stringify(root), settings, {
    env: options.env,
    configDir: dir,
    file: join(dir, 'connector.toml'),
    warn: () => {},
  });
}

function merge(target: TomlPatch, patch: TomlPatch): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isTable(current) && isTable(value)) merge(current, value);
    else target[key] = value;
  }
}

function isTable(value: unknown): value is TomlPatch {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}
