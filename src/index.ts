/**
 * danube-connect-core: write Danube source connectors in TypeScript. The connector author
 * implements {@link SourceConnector}; {@link SourceRuntime} does everything Danube-side
 * (producers, schemas, ordered publishing with retries, commits after publish, health,
 * metrics, graceful shutdown).
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { SourceConnector, SourceRecord, defineConnector, runConnector } from 'danube-connect-core';
 *
 * class Ticker extends SourceConnector {
 *   async initialize() {}
 *   producerConfigs() { return [{ topic: '/default/ticks', partitions: 0, reliableDispatch: false }]; }
 *   async poll() { return [SourceRecord.json('/default/ticks', { at: Date.now() })]; }
 * }
 * const ticker = defineConnector({ settings: z.object({}), create: () => new Ticker() });
 * await runConnector(ticker, { path: 'connector.toml' });
 * ```
 * @module
 */
export { DanubeConnectError, isDanubeConnectError } from './errors.js';
export type { ErrorKind, ErrorContext, DanubeConnectErrorOptions } from './errors.js';
export * from './connector/index.js';
export {
  SourceRuntime,
  runConnector,
  realClock,
  ManualClock,
  producerName,
  PublishTimeoutError,
  FORCED_EXIT_CODES,
} from './runtime/index.js';
export type {
  SourceRuntimeOptions,
  RunOptions,
  RuntimeStats,
  RunConnectorOptions,
  Clock,
  TimerHandle,
  ClientFactory,
  RuntimeClient,
  PublishProducer,
} from './runtime/index.js';
export type { TokenSupplier } from './client/token.js';
export { loadConfig, loadConfigSync, parseConfig, ConfigError } from './config/index.js';
export type {
  ConnectorConfig,
  ConfigProblem,
  ConfigWarn,
  ParseConfigOptions,
  LoadConfigOptions,
  LoadedConfig,
  SettingsSchema,
  ProcessingSettings,
  RetrySettings,
  SchemaMapping,
  DanubeSettings,
  OffsetsSettings,
  OffsetStoreKind,
  DeadLetterFallback,
  FailurePolicy,
  WireFormat,
  VersionStrategy,
  SchemaTypeName,
} from './config/index.js';
export { OffsetLockError } from './runtime/offsets/index.js';
export type {
  OffsetStore,
  StoredOffset,
  StoredOffsetType,
  LockHolder,
} from './runtime/offsets/index.js';
export { SchemaError, SchemaValidationError, encodeWithoutSchema } from './schema/index.js';
export type {
  JsonValue,
  RecordPayload,
  ResolvedSchema,
  PayloadCodec,
  SchemaRegistryApi,
  RegistrySchemaInfo,
} from './schema/index.js';
export { RuntimeMetrics, RuntimeState, createLogger } from './observability/index.js';
export { SecretRedactor, REDACTED } from './redact.js';
export type {
  Logger,
  LoggerOptions,
  StatusSnapshot,
  LastError,
  RuntimeMode,
  RuntimePhase,
  ProducerStatus,
  TopicStatus,
  RecordCounters,
  Readiness,
  RuntimeMetricsOptions,
  RuntimeStateOptions,
} from './observability/index.js';
