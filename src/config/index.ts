/**
 * Configuration layer: one TOML file, core keys flattened at the root, the connector's keys
 * beside them, validated by zod with every problem reported at once.
 */
export { loadConfig, loadConfigSync, type LoadConfigOptions } from './load.js';
export {
  parseConfig,
  type ConfigOptions,
  type ConfigWarn,
  type LoadedConfig,
  type ParseConfigOptions,
  type SettingsSchema,
} from './parse.js';
export { ConfigError, formatProblem, type ConfigProblem } from './errors.js';
export { configSecrets } from './secrets.js';
export {
  coreConfigSchema,
  coreShape,
  CORE_KEYS,
  TOPIC_PATTERN,
  isServiceUrl,
} from './core-schema.js';
export {
  coreConfigJsonSchema,
  connectorConfigJsonSchema,
  type JsonSchemaDocument,
} from './json-schema.js';
export { renderConfigurationReference } from './reference.js';
export type { FieldMeta } from './zod-walk.js';
export type {
  ConnectorConfig,
  DanubeSettings,
  OffsetsSettings,
  OffsetStoreKind,
  DeadLetterFallback,
  FailurePolicy,
  ProcessingSettings,
  RetrySettings,
  SchemaMapping,
  SchemaTypeName,
  VersionStrategy,
  WireFormat,
} from './types.js';
