/*
 * Shapes owned by src/config and src/schema, copied from design/interfaces.md so the connector
 * API compiles before those folders land. Replaced by re-exports of the real types.
 */
import type { RecordPayload } from '../schema/payload.js';

/** Core configuration (see src/config). */
export interface ConnectorConfig {
  danube_service_url: string;
  connector_name: string;
  config_dir: string;
  processing: {
    batch_size: number;
    batch_timeout_ms: number;
    poll_interval_ms: number;
    metrics_port: number;
    log_level: string;
    health_check_interval_ms: number;
    health_check_failure_threshold: number;
    max_inflight_per_partition: number;
    buffer_size: number;
    shutdown_timeout_ms: number;
    failure_policy: 'fail' | 'skip' | 'dead_letter';
    dead_letter_topic?: string;
  };
  retry: {
    max_retries: number;
    retry_backoff_ms: number;
    max_backoff_ms: number;
    publish_timeout_ms: number;
  };
  schemas: Array<{
    topic: string;
    subject: string;
    schema_type: 'json_schema' | 'avro' | 'string' | 'bytes' | 'number';
    schema_file?: string;
    auto_register: boolean;
    version_strategy: 'latest' | { pinned: number } | { minimum: number };
    wire_format: 'default' | 'binary';
  }>;
  danube: {
    token?: string;
    tls_ca_file?: string;
    tls_cert_file?: string;
    tls_key_file?: string;
    connect_timeout_ms: number;
    request_timeout_ms: number;
  };
  secrets: string[];
}

/** A schema resolved against the registry (see src/schema). */
export interface ResolvedSchema {
  topic: string;
  subject: string;
  schemaId: string;
  version: number;
  schemaType: string;
  wireFormat: 'default' | 'binary';
  definition: string;
  codec: { encode(payload: RecordPayload): Buffer; decode(bytes: Buffer): unknown };
}
