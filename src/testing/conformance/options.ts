import type { LoadedConfig, SettingsSchema } from '../../config/parse.js';
import type { ConnectorModule } from '../../connector/define-connector.js';
import type { SourceConnector } from '../../connector/source-connector.js';
import type { ConformanceProperty } from './errors.js';

/** What `emit` is told about the round it emits for. */
export interface EmitContext {
  /** 1 for the first run of the connector, 2 after the restart. */
  round: number;
  /** URL of the embedded broker the connector publishes to. */
  brokerUrl: string;
  /** Records emitted before this call, over all rounds. */
  emittedBefore: number;
}

/** Deadlines of the kit's waits, in milliseconds. */
export interface ConformanceTimeouts {
  /** From `run()` to the first `poll` / `startStreaming` (default 30 000). */
  startMs?: number;
  /** From `emit` to every record stored by the broker (default 30 000). */
  deliveryMs?: number;
  /** Graceful shutdown; also caps `processing.shutdown_timeout_ms` (default 30 000). */
  shutdownMs?: number;
}

/** Options of {@link checkConnectorConformance}. */
export interface ConformanceOptions<S extends SettingsSchema = SettingsSchema> {
  /** The connector module (default export of `defineConnector`)… */
  module?: ConnectorModule<S>;
  /** …or a factory of fresh connector instances (called once per round). */
  create?: (config: LoadedConfig<S>) => SourceConnector | Promise<SourceConnector>;
  /** Settings schema used with `create` (default: no connector keys). */
  settings?: S;
  /**
   * The connector's configuration: `connector.toml` text, or the same content as an
   * object. `danube_service_url` is replaced by the embedded broker's URL.
   */
  config: string | Record<string, unknown>;
  /** Folder relative `schema_file` paths are resolved against (default: working directory). */
  configDir?: string;
  /** Environment for secrets and overrides (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Makes the external system produce `count` new, distinct records that the connector
   * turns into `count` records (e.g. insert rows, publish MQTT messages, POST webhooks).
   * Called once the connector is running (`poll` / `startStreaming` began).
   */
  emit: (count: number, context: EmitContext) => Promise<void>;
  /** Records per round (default 10). */
  records?: number;
  /** Topics the connector must declare and publish to. */
  expectedTopics?: string[];
  /** Namespaces to create on the embedded broker besides those of the configured topics. */
  namespaces?: string[];
  /**
   * Emit the second round's records while the connector is stopped (a source that
   * keeps data, such as a database, must pick them up after the restart).
   */
  emitWhileStopped?: boolean;
  /**
   * Turns the connector's health check bad and good again, so the kit can check that the
   * runtime marks it unhealthy after `health_check_failure_threshold` failures and healthy
   * after a pass.
   */
  health?: {
    /** Makes the connector's next health checks fail (e.g. disconnect its upstream). */
    makeUnhealthy(): Promise<void> | void;
    /** Makes its health checks pass again. */
    makeHealthy(): Promise<void> | void;
  };
  /** Properties that do not apply to this connector (reported as skipped). */
  skip?: ConformanceProperty[];
  timeouts?: ConformanceTimeouts;
  /** Runtime log level (default `silent`). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}
