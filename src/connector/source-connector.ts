import type { ConnectorContext } from './context.js';
import type { Envelopeish } from './envelope.js';
import type { Offset } from './offset.js';
import type { ConnectorConfig } from '../config/types.js';
import type { ProducerConfig } from './producer-config.js';
import type { SourceSender } from './sender.js';

/** How the runtime obtains records: it calls `poll`, or the connector pushes through a sender. */
export type SourceMode = 'polling' | 'streaming';

/**
 * What a connector author implements: the external-system side only. The runtime connects
 * to Danube, creates producers, serializes with schemas, publishes with retries, commits
 * offsets after publish, runs health checks and shuts down cleanly.
 *
 * Lifecycle: `initialize` → `producerConfigs` → `poll` repeatedly (polling mode) or
 * `startStreaming` once (streaming mode) → `commit` as records get published → `shutdown`.
 * Throw {@link ConnectorError} to tell the runtime whether to retry or stop. The optional
 * methods are declared here, so with `noImplicitOverride` implement them with `override`.
 *
 * @example
 * ```ts
 * class CounterSource extends SourceConnector {
 *   private next = 0;
 *   // With [offsets] store = "file", a restart resumes after the last published number.
 *   async initialize(core: ConnectorConfig, context: ConnectorContext) {
 *     const committed = context.offset('c');
 *     this.next = committed === undefined ? 0 : Number(committed.value) + 1;
 *   }
 *   producerConfigs() { return [{ topic: '/default/counter', partitions: 0, reliableDispatch: false }]; }
 *   override async poll() {
 *     const n = this.next++;
 *     return [SourceEnvelope.withOffset(SourceRecord.number('/default/counter', n), Offset.of('c', n))];
 *   }
 * }
 * ```
 */
export abstract class SourceConnector {
  /**
   * Connect to the external system, authenticate, subscribe. Throw `ConnectorError.config`
   * for configuration mistakes and `ConnectorError.fatal` for setup failures; do not retry here.
   * Connector-specific settings come through the constructor (see `defineConnector`).
   *
   * `context` holds the offsets the runtime committed before (with an `[offsets]` store):
   * resume after `context.offset(partition)`. It also says which share of the source this
   * instance reads (`context.instance`). A connector that needs neither may leave it out.
   */
  abstract initialize(core: ConnectorConfig, context: ConnectorContext): Promise<void>;

  /** The Danube topics this connector publishes to; called once after `initialize`. */
  abstract producerConfigs(): Promise<ProducerConfig[]> | ProducerConfig[];

  /** `'polling'` (default): the runtime calls `poll`. `'streaming'`: it calls `startStreaming`. */
  mode(): SourceMode {
    return 'polling';
  }

  /**
   * Polling mode: return what is available now, `[]` when nothing is (not an error). Called
   * again at once while it returns data, every `poll_interval_ms` while it returns nothing,
   * never twice at once. `signal` aborts when the runtime stops. A retryable throw
   * (`ConnectorError.retryable`, or any error that is not a `ConnectorError`) is retried
   * with backoff until a poll succeeds, without limit unless
   * `retry.source_retry_timeout_ms` is set; other `ConnectorError`s are fatal.
   */
  poll?(signal: AbortSignal): Promise<Envelopeish[]>;

  /**
   * Streaming mode: start pushing records through `sender` (it may run until `signal`
   * aborts, or return once callbacks are wired up). A retryable rejection
   * (`ConnectorError.retryable`, or any error that is not a `ConnectorError`) is retried:
   * the runtime calls `startStreaming` again after a backoff, with the same sender, until a
   * call returns or hands over a record; `/readyz` answers 503 meanwhile. Other
   * `ConnectorError`s are fatal.
   */
  startStreaming?(sender: SourceSender, signal: AbortSignal): Promise<void>;

  /**
   * Called with, per offset partition, the last offset such that it and everything handed
   * over before it in that partition is published (or finally skipped / dead-lettered).
   * Calls are coalesced and never overlap. A throw is retried, then fatal. With an
   * `[offsets]` store the runtime has saved these offsets already: implement `commit` only to
   * acknowledge upstream (an MQTT ack, a consumer-group commit, a replication slot).
   */
  commit?(offsets: Offset[]): Promise<void>;

  /** Release external resources; called once after the runtime drained and committed. */
  shutdown?(): Promise<void>;

  /** Throw when the external side is unhealthy; called every `health_check_interval_ms`. */
  healthCheck?(): Promise<void>;
}
