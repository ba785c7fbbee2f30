import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { CORE_KEYS, coreConfigSchema, coreShape } from './core-schema.js';
import { applyEnvOverrides, envFields, type EnvField } from './env.js';
import { ConfigError, type ConfigProblem, formatProblem } from './errors.js';
import { MISSING_KEY, friendlyMessage } from './issues.js';
import { checkCoreRules } from './rules.js';
import { redactSecrets } from '../redact.js';
import { collectSecrets } from './secrets.js';
import type { ConnectorConfig } from './types.js';
import { findInTable } from './unknown-keys.js';
import { type AnySchema, formatPath, objectInfo } from './zod-walk.js';
import { DanubeConnectError } from '../errors.js';

/** The zod object describing a connector's root keys (`mqtt`, or `server`, `auth`, `routes`…). */
export type SettingsSchema = z.ZodObject<z.ZodRawShape, z.core.$ZodObjectConfig>;

/** A loaded configuration: `core` plus the connector's root keys, fully typed. */
export type LoadedConfig<S extends SettingsSchema> = { core: ConnectorConfig } & z.output<S>;

/** Receives each warning: the formatted line and the structured problem. */
export type ConfigWarn = (message: string, problem: ConfigProblem) => void;

/** Options shared by {@link parseConfig} and `loadConfig`. */
export interface ConfigOptions {
  /** Environment for overrides (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Unknown keys and other warnings become errors (`validate-config --strict`). */
  strict?: boolean;
  /** Where warnings go (default `console.warn`). */
  warn?: ConfigWarn;
}

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions extends ConfigOptions {
  /** Name of the file in messages (default `connector.toml`). */
  file?: string;
  /** Folder `schema_file` paths are relative to (default the working directory). */
  configDir?: string;
}

const defaultWarn: ConfigWarn = (message) => console.warn(message);

function checkSettingsShape(settings: SettingsSchema): Readonly<Record<string, AnySchema>> {
  const shape = settings.shape as Readonly<Record<string, AnySchema>>;
  const clash = Object.keys(shape).find((key) => key === 'core' || CORE_KEYS.includes(key));
  if (clash !== undefined) {
    throw new DanubeConnectError(
      'usage',
      `connector settings schema must not declare the core key "${clash}"`,
    );
  }
  return shape;
}

function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  envSources: ReadonlyMap<string, string>,
): ConfigProblem[] {
  return issues
    .filter((issue) => issue.code !== 'unrecognized_keys') // reported with hints by findInTable
    .map((issue) => {
      const path = formatPath(issue.path);
      const source = envSources.get(path);
      const message =
        source === undefined ? issue.message : `${issue.message} (value from ${source})`;
      return { path, message };
    });
}

/** Adds to "required key missing" the variable that supplies the key, when there is one. */
function variableHint(fields: readonly EnvField[]): (problem: ConfigProblem) => ConfigProblem {
  const variables = new Map(fields.map((field) => [formatPath(field.path), field.env]));
  return (problem) => {
    const variable = variables.get(problem.path);
    if (problem.message !== MISSING_KEY || variable === undefined) return problem;
    return {
      ...problem,
      message: `${MISSING_KEY}: set ${variable}, or give a configuration file (CONNECTOR_CONFIG_PATH)`,
    };
  };
}

function tomlProblem(error: TomlError): ConfigProblem {
  // smol-toml's message embeds the offending lines, which may hold a secret: keep the reason.
  const firstLine = error.message.split('\n')[0] ?? '';
  const reason = firstLine.replace(/^Invalid TOML document:\s*/, '');
  return {
    path: '',
    message: `malformed TOML at line ${error.line}, column ${error.column}: ${reason}`,
    line: error.line,
    column: error.column,
  };
}

/**
 * Parses and validates the text of a configuration file. `loadConfig` reads the file and
 * calls this; tests and tools may call it directly.
 *
 * @throws ConfigError listing every problem of the file.
 */
export function parseConfig<S extends SettingsSchema>(
  source: string,
  settings: S,
  options: ParseConfigOptions = {},
): LoadedConfig<S> {
  const file = options.file ?? 'connector.toml';
  let root: Record<string, unknown>;
  try {
    root = parseToml(source);
  } catch (error) {
    if (error instanceof TomlError) throw new ConfigError(file, [tomlProblem(error)]);
    throw error;
  }
  return validateConfig(root, settings, { ...options, file, fromEnvironment: false });
}

/**
 * The configuration from the environment alone, as Rust's `ConnectorConfig::from_env()`: the
 * core keys with environment variables (`DANUBE_SERVICE_URL`, `CONNECTOR_NAME`,
 * `DANUBE_TOKEN`) and the connector's declared variables, every other key at its default.
 * A required key nothing supplies is reported with the variable that would.
 */
export function configFromEnvironment<S extends SettingsSchema>(
  settings: S,
  options: ConfigOptions & { configDir?: string } = {},
): LoadedConfig<S> {
  return validateConfig({}, settings, { ...options, file: '', fromEnvironment: true });
}

interface ValidateOptions extends ParseConfigOptions {
  readonly file: string;
  /** No file: a missing key's message names its variable. */
  readonly fromEnvironment: boolean;
}

function validateConfig<S extends SettingsSchema>(
  root: Record<string, unknown>,
  settings: S,
  options: ValidateOptions,
): LoadedConfig<S> {
  const { file } = options;
  const env = options.env ?? process.env;
  const strict = options.strict ?? false;
  const warn = options.warn ?? defaultWarn;
  const settingsShape = checkSettingsShape(settings);
  const rootShape: Record<string, AnySchema> = { ...coreShape, ...settingsShape };

  const fields = envFields(rootShape);
  const envSources = applyEnvOverrides(root, fields, env);
  const coreRaw: Record<string, unknown> = {};
  const settingsRaw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(root)) {
    (CORE_KEYS.includes(key) ? coreRaw : settingsRaw)[key] = value;
  }

  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const parseOptions = { error: friendlyMessage };
  const core = coreConfigSchema.safeParse(coreRaw, parseOptions);
  if (!core.success) errors.push(...issueProblems(core.error.issues, envSources));
  const rules = checkCoreRules(coreRaw);
  errors.push(...rules.errors);
  warnings.push(...rules.warnings);
  const connector = settings.safeParse(settingsRaw, parseOptions);
  if (!connector.success) errors.push(...issueProblems(connector.error.issues, envSources));

  const elsewhere = new Map<string, string>();
  for (const key of ['processing', 'retry', 'danube', 'offsets']) {
    const table = objectInfo(coreShape[key as 'processing'].unwrap());
    for (const name of Object.keys(table?.shape ?? {})) elsewhere.set(name, `${key}.${name}`);
  }
  const settingsMode = objectInfo(settings)?.mode ?? 'strip';
  for (const unknown of findInTable(rootShape, settingsMode, root, [], { elsewhere })) {
    const problem = { path: formatPath(unknown.path), message: unknown.message };
    (unknown.refused ? errors : warnings).push(problem);
  }
  if (strict) errors.push(...warnings.splice(0));

  const rawSecrets = collectSecrets(rootShape, root);
  const clean = (problem: ConfigProblem): ConfigProblem => ({
    ...problem,
    message: redactSecrets(problem.message, rawSecrets),
  });
  for (const warning of warnings.map(clean)) warn(formatProblem(file, warning), warning);
  if (errors.length > 0 || !core.success || !connector.success) {
    const problems = options.fromEnvironment ? errors.map(variableHint(fields)) : errors;
    throw new ConfigError(file, problems.map(clean));
  }

  const secrets = Object.freeze([
    ...new Set([
      ...collectSecrets(coreShape, core.data),
      ...collectSecrets(settingsShape, connector.data as Record<string, unknown>),
    ]),
  ]);
  const coreConfig = { ...core.data, config_dir: options.configDir ?? process.cwd() };
  Object.defineProperty(coreConfig, 'secrets', { value: secrets, enumerable: false });
  return { ...connector.data, core: coreConfig as ConnectorConfig };
}
