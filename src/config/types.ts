/**
 * The typed shape of the core configuration, as connectors and the runtime read it.
 *
 * Keys keep the TOML's snake_case names. The zod schema in `core-schema.ts` is the source of
 * truth for defaults and constraints; a compile-time check there keeps these interfaces and
 * the schema's output in step.
 */

import type { SchemaTypeName } from '../client/schema-type.js';

// A `[[schemas]]` entry declares one of the registry's types (`"json"` is accepted as
// `"json_schema"`; `protobuf` is refused until it is supported).
export type { SchemaTypeName } from '../client/schema-type.js';

/** Which registry version a producer uses: the newest, exactly N, or at least N. */
export type VersionStrategy = 'latest' | { pinned: number } | { minimum: number };

/**
 * How payloads go on the wire for a schema entry.
 *
 * - `default`: what the Danube ecosystem reads (Rust sinks, `danube-cli consume`):
 *   json_schema and avro as JSON text, number as JSON number text, string as UTF-8, bytes raw.
 * - `binary`: what the broker's deep payload validation accepts: number as 8-byte big-endian
 *   IEEE-754 double, avro as an Avro object container; the other types are the same as `default`.
 */
export type WireFormat = 'default' | 'binary';

/** What the runtime does with a record that finally failed to publish. */
export type FailurePolicy = 'fail' | 'skip' | 'dead_letter';

/** What happens when the dead-letter topic refuses a record: stop, or skip it with an error log. */
export type DeadLetterFallback = 'fail' | 'skip';

/** `[processing]`: batching, polling, concurrency, observability and failure handling. */
export interface ProcessingSettings {
  batch_size: number;
  batch_timeout_ms: number;
  poll_interval_ms: number;
  metrics_port: number;
  /** A level (`info`) or Rust env-filter directives (`info,mqtt=debug`). */
  log_level: string;
  health_check_interval_ms: number;
  health_check_failure_threshold: number;
  max_inflight_per_partition: number;
  buffer_size: number;
  shutdown_timeout_ms: number;
  failure_policy: FailurePolicy;
  dead_letter_topic?: string | undefined;
  dead_letter_max_payload_bytes: number;
  dead_letter_fallback: DeadLetterFallback;
}

/** `[retry]`: bounds for source retries (time, optional), commit retries (count) and publish retries (time). */
export interface RetrySettings {
  max_retries: number;
  retry_backoff_ms: number;
  max_backoff_ms: number;
  publish_timeout_ms: number;
  source_retry_timeout_ms?: number | undefined;
}

/** One `[[schemas]]` entry: the registry schema used for a Danube topic. */
export interface SchemaMapping {
  topic: string;
  subject: string;
  schema_type: SchemaTypeName;
  /** As written in the file (relative paths are resolved by the schema layer); absent for string/bytes/number. */
  schema_file?: string | undefined;
  auto_register: boolean;
  version_strategy: VersionStrategy;
  wire_format: WireFormat;
}

/** `[danube]`: how the runtime connects to the broker. */
export interface DanubeSettings {
  token?: string | undefined;
  /** As written in the file; resolved relative to `config_dir`, re-read when it changes. */
  token_file?: string | undefined;
  tls_ca_file?: string | undefined;
  tls_cert_file?: string | undefined;
  tls_key_file?: string | undefined;
  connect_timeout_ms: number;
  request_timeout_ms: number;
}

/** Where the runtime keeps committed offsets: nowhere, a local folder, or a PostgreSQL table. */
export type OffsetStoreKind = 'none' | 'file' | 'postgres';

/** `[offsets]`: the store of the committed offsets, its lock, and this instance's share. */
export interface OffsetsSettings {
  store: OffsetStoreKind;
  /** `store = "file"`: the folder, as written in the file (relative to `config_dir`). */
  path?: string | undefined;
  /** `store = "postgres"`: the connection URL. */
  connection?: string | undefined;
  table: string;
  lock_lease_ms: number;
  instance_index: number;
  instance_count: number;
}

/**
 * The validated core configuration with every default filled in.
 *
 * `secrets` is non-enumerable: `JSON.stringify(config)` and `console.log` never show it.
 */
export interface ConnectorConfig {
  danube_service_url: string;
  connector_name: string;
  processing: ProcessingSettings;
  retry: RetrySettings;
  schemas: SchemaMapping[];
  danube: DanubeSettings;
  offsets: OffsetsSettings;
  /** Absolute path of the folder holding the configuration file (base for `schema_file`). */
  config_dir: string;
  /** Every secret value of the configuration (token, connector secrets), for log redaction. */
  readonly secrets: readonly string[];
}
