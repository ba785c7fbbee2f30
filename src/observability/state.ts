import { isDanubeConnectError, type ErrorKind } from '../errors.js';
import { errorTypeOf } from './error-types.js';
import type { RuntimeMetrics } from './metrics.js';
import { SecretRedactor } from '../redact.js';

/** How the connector produces records. */
export type RuntimeMode = 'polling' | 'streaming';

/** Lifecycle phase of the runtime. */
export type RuntimePhase = 'starting' | 'running' | 'stopping' | 'stopped';

/** A Danube producer the runtime created, as shown by `/status`. */
export interface ProducerStatus {
  /** The configured topic (`/namespace/name`). */
  topic: string;
  /** Producer name. */
  name: string;
  /** 0 for a plain topic, N for a partitioned one. */
  partitions: number;
  /** Whether the producer uses reliable dispatch. */
  reliableDispatch?: boolean;
  /** Schema subject and version, when the topic has one. */
  schema?: { subject: string; version: number };
}

/** Counters of one topic (or totals over all topics). */
export interface RecordCounters {
  received: number;
  published: number;
  failed: number;
  retries: number;
  deadLettered: number;
  skipped: number;
}

/** Per-topic view in `/status`. */
export interface TopicStatus extends RecordCounters {
  topic: string;
  inflight: number;
  /** Failures by error type, the error's kind (only kinds that occurred). */
  failedByType: Partial<Record<ErrorKind, number>>;
}

/** The last error the runtime saw; `message` is already redacted. */
export interface LastError {
  message: string;
  /** The error's kind (`internal` for an error that is not ours). */
  errorType: ErrorKind;
  topic?: string;
  /** ISO-8601 time it happened. */
  at: string;
}

/** The JSON body of `GET /status`. */
export interface StatusSnapshot {
  connector: string;
  mode: RuntimeMode | undefined;
  phase: RuntimePhase;
  startedAt: string;
  uptimeSeconds: number;
  ready: boolean;
  notReadyReasons: string[];
  connected: boolean;
  producersReady: boolean;
  healthy: boolean;
  /** Why the connector health check fails (redacted), when it does. */
  healthMessage?: string;
  /** Retryable source failures (poll() errors, stream task rejections) since start. */
  sourceFailures: number;
  buffered: number;
  producers: ProducerStatus[];
  topics: TopicStatus[];
  totals: RecordCounters;
  /** Last committed offset per offset partition, as text (offsets are opaque). */
  committedOffsets: Record<string, string>;
  lastError: LastError | undefined;
}

/** Result of {@link RuntimeState.readiness}. */
export interface Readiness {
  ready: boolean;
  /** Why not ready, in words for an operator; empty when ready. */
  reasons: string[];
}

/** Options for {@link RuntimeState}. */
export interface RuntimeStateOptions {
  /** The config's `connector_name`. */
  connector: string;
  /** Metrics to keep in step; every state method updates them too. */
  metrics?: RuntimeMetrics;
  /** Secret values to scrub from error messages kept in the state. */
  secrets?: Iterable<string> | SecretRedactor;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

interface TopicCounters extends RecordCounters {
  inflight: number;
  failedByType: Map<ErrorKind, number>;
}

const COUNTER_NAMES = [
  'received',
  'published',
  'failed',
  'retries',
  'deadLettered',
  'skipped',
] as const satisfies readonly (keyof RecordCounters)[];

function zeroCounters(): RecordCounters {
  return { received: 0, published: 0, failed: 0, retries: 0, deadLettered: 0, skipped: 0 };
}

/**
 * The one place the runtime keeps its numbers and status. The runtime calls its methods as
 * things happen; each call also updates the {@link RuntimeMetrics} given at construction,
 * so the runtime calls the state only (never both, or it counts twice). `/status` serves
 * {@link RuntimeState.snapshot}, `/readyz` serves {@link RuntimeState.readiness}.
 *
 * Ready means: connected to the broker, producers created, connector healthy, the source
 * not failing, and not stopping or stopped.
 */
export class RuntimeState {
  /** The `connector_name`. */
  readonly connector: string;
  /** The metrics kept in step, if any. */
  readonly metrics: RuntimeMetrics | undefined;
  /** The secret scrubber used for error messages (shared with the HTTP server). */
  readonly redactor: SecretRedactor;

  private readonly now: () => number;
  private readonly startedAt: number;
  private modeValue: RuntimeMode | undefined;
  private phaseValue: RuntimePhase = 'starting';
  private connectedValue = false;
  private producersReadyValue = false;
  private healthyValue = true;
  private healthMessage: string | undefined;
  private sourceFailuresValue = 0;
  private sourceFailing: string | undefined;
  private bufferedValue = 0;
  private producerList: ProducerStatus[] = [];
  private readonly topicCounters = new Map<string, TopicCounters>();
  private readonly committed = new Map<string, string>();
  private lastErrorValue: LastError | undefined;

  constructor(options: RuntimeStateOptions) {
    this.connector = options.connector;
    this.metrics = options.metrics;
    this.redactor =
      options.secrets instanceof SecretRedactor
        ? options.secrets
        : new SecretRedactor(options.secrets ?? []);
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Current lifecycle phase. */
  get phase(): RuntimePhase {
    return this.phaseValue;
  }

  /** Whether the runtime is connected to the broker. */
  get connected(): boolean {
    return this.connectedValue;
  }

  /** Whether the connector's health check passes. */
  get healthy(): boolean {
    return this.healthyValue;
  }

  /** Records the connector's mode. */
  setMode(mode: RuntimeMode): void {
    this.modeValue = mode;
  }

  /**
   * Declares the topics the connector produces to: they appear in `/status` and every
   * per-topic metric series starts at zero.
   */
  setTopics(topics: Iterable<string>): void {
    const list = [...topics];
    for (const topic of list) this.topic(topic);
    this.metrics?.registerTopics(list);
  }

  /** Marks the runtime running (after start-up) — `up` becomes 1. */
  markRunning(): void {
    this.phaseValue = 'running';
    this.metrics?.setUp(true);
    this.updateReady();
  }

  /** Marks shutdown begun: readiness turns false at once. */
  markStopping(): void {
    if (this.phaseValue !== 'stopped') this.phaseValue = 'stopping';
    this.updateReady();
  }

  /** Marks the runtime stopped — `up` becomes 0. */
  markStopped(): void {
    this.phaseValue = 'stopped';
    this.metrics?.setUp(false);
    this.updateReady();
  }

  /** Records whether the client is connected to the broker. */
  setConnected(connected: boolean): void {
    this.connectedValue = connected;
    this.updateReady();
  }

  /**
   * Records the producers created; `ready` says whether all configured producers exist
   * (default true).
   */
  setProducers(producers: readonly ProducerStatus[], ready = true): void {
    this.producerList = producers.map((p) => ({ ...p }));
    this.producersReadyValue = ready;
    this.setTopics(producers.map((p) => p.topic));
    this.metrics?.setProducers(producers.length);
    this.updateReady();
  }

  /** Records whether the producers are (still) usable, without changing the list. */
  setProducersReady(ready: boolean): void {
    this.producersReadyValue = ready;
    this.updateReady();
  }

  /**
   * Records the connector health check result. `reason` (an error or text) explains a
   * failure in `/status` and `/readyz`; it is redacted.
   */
  setHealthy(healthy: boolean, reason?: unknown): void {
    this.healthyValue = healthy;
    this.healthMessage = healthy ? undefined : this.describe(reason ?? 'health check failed');
    this.metrics?.setHealthy(healthy);
    this.updateReady();
  }

  /**
   * Counts one retryable failure of the source (`operation`: `poll()` or `startStreaming()`)
   * that the runtime retries, keeps it as the last error, and marks the source failing:
   * readiness is off, with the reason, until {@link RuntimeState.setSourceRecovered}.
   */
  recordSourceFailure(error: unknown, operation: string, consecutive: number): ErrorKind {
    // It is being retried: an error that is not ours (a library's socket error) counts as
    // `retryable`, not `internal`.
    const errorType = isDanubeConnectError(error) ? error.kind : 'retryable';
    this.sourceFailuresValue += 1;
    this.metrics?.recordSourceFailure(errorType);
    this.recordError(error, { errorType });
    const times = consecutive === 1 ? 'once' : `${consecutive} times in a row`;
    this.sourceFailing = `source failing: ${operation} failed ${times}, retrying: ${this.describe(error)}`;
    this.updateReady();
    return errorType;
  }

  /** The source works again after {@link RuntimeState.recordSourceFailure}. */
  setSourceRecovered(): void {
    if (this.sourceFailing === undefined) return;
    this.sourceFailing = undefined;
    this.updateReady();
  }

  /** Counts `count` records handed over for `topic`. */
  recordReceived(topic: string, count = 1): void {
    this.topic(topic).received += count;
    this.metrics?.recordReceived(topic, count);
  }

  /** Counts one published record and its publish latency. */
  recordPublished(topic: string, latencySeconds: number): void {
    this.topic(topic).published += 1;
    this.metrics?.recordPublished(topic, latencySeconds);
  }

  /**
   * Counts one finally failed record by its error's kind, and keeps the error (redacted) as
   * the last error. Returns the kind.
   */
  recordFailed(topic: string, error: unknown): ErrorKind {
    const errorType = errorTypeOf(error);
    const counters = this.topic(topic);
    counters.failed += 1;
    counters.failedByType.set(errorType, (counters.failedByType.get(errorType) ?? 0) + 1);
    this.metrics?.recordFailed(topic, errorType);
    this.recordError(error, { topic, errorType });
    return errorType;
  }

  /** Counts one retried publish attempt; `error` (optional) becomes the last error. */
  recordRetry(topic: string, error?: unknown): void {
    this.topic(topic).retries += 1;
    this.metrics?.recordRetry(topic);
    if (error !== undefined) this.recordError(error, { topic });
  }

  /** Counts one record sent to the dead-letter topic. */
  recordDeadLettered(topic: string): void {
    this.topic(topic).deadLettered += 1;
    this.metrics?.recordDeadLettered(topic);
  }

  /** Counts one record skipped by the failure policy. */
  recordSkipped(topic: string): void {
    this.topic(topic).skipped += 1;
    this.metrics?.recordSkipped(topic);
  }

  /** Observes the size of one batch. */
  observeBatch(size: number): void {
    this.metrics?.observeBatch(size);
  }

  /** Sets the publishes in flight for `topic`. */
  setInflight(topic: string, count: number): void {
    this.topic(topic).inflight = count;
    this.metrics?.setInflight(topic, count);
  }

  /** Sets the number of buffered envelopes. */
  setBuffered(count: number): void {
    this.bufferedValue = count;
    this.metrics?.setBuffered(count);
  }

  /** Records the offset committed for an offset partition. */
  setCommitted(partition: string, value: bigint | number | string): void {
    this.committed.set(partition, String(value));
    this.metrics?.setCommitted(partition, value);
  }

  /**
   * Keeps `error` as the last error (message redacted), e.g. a poll or commit failure or
   * the fatal error that stops the runtime. Does not count a failed record.
   */
  recordError(error: unknown, context: { topic?: string; errorType?: ErrorKind } = {}): void {
    this.lastErrorValue = {
      message: this.describe(error),
      errorType: context.errorType ?? errorTypeOf(error),
      ...(context.topic === undefined ? {} : { topic: context.topic }),
      at: new Date(this.now()).toISOString(),
    };
  }

  /** Whether the runtime is ready, and why not. */
  readiness(): Readiness {
    const reasons: string[] = [];
    if (this.phaseValue === 'stopping' || this.phaseValue === 'stopped') {
      reasons.push(`runtime is ${this.phaseValue}`);
    }
    if (!this.connectedValue) reasons.push('not connected to the Danube broker');
    if (!this.producersReadyValue) reasons.push('producers not created');
    if (!this.healthyValue) {
      reasons.push(`connector health check failing: ${this.healthMessage ?? 'unknown reason'}`);
    }
    if (this.sourceFailing !== undefined) reasons.push(this.sourceFailing);
    return { ready: reasons.length === 0, reasons };
  }

  /** A JSON-serializable copy of everything, for `GET /status`. */
  snapshot(): StatusSnapshot {
    const readiness = this.readiness();
    const topics: TopicStatus[] = [...this.topicCounters.entries()].map(
      ([topic, { failedByType, ...counts }]) => ({
        topic,
        ...counts,
        failedByType: Object.fromEntries(failedByType),
      }),
    );
    const totals = zeroCounters();
    for (const t of topics) {
      for (const name of COUNTER_NAMES) totals[name] += t[name];
    }
    return {
      connector: this.connector,
      mode: this.modeValue,
      phase: this.phaseValue,
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeSeconds: Math.max(0, (this.now() - this.startedAt) / 1000),
      ready: readiness.ready,
      notReadyReasons: readiness.reasons,
      connected: this.connectedValue,
      producersReady: this.producersReadyValue,
      healthy: this.healthyValue,
      ...(this.healthMessage === undefined ? {} : { healthMessage: this.healthMessage }),
      sourceFailures: this.sourceFailuresValue,
      buffered: this.bufferedValue,
      producers: this.producerList.map((p) => ({ ...p })),
      topics,
      totals,
      committedOffsets: Object.fromEntries(this.committed),
      lastError: this.lastErrorValue === undefined ? undefined : { ...this.lastErrorValue },
    };
  }

  private topic(topic: string): TopicCounters {
    let counters = this.topicCounters.get(topic);
    if (counters === undefined) {
      counters = { ...zeroCounters(), inflight: 0, failedByType: new Map() };
      this.topicCounters.set(topic, counters);
    }
    return counters;
  }

  private describe(error: unknown): string {
    const text =
      error instanceof Error
        ? `${error.name}: ${error.message}`
        : typeof error === 'string'
          ? error
          : safeJson(error);
    return this.redactor.redact(text);
  }

  private updateReady(): void {
    this.metrics?.setReady(this.readiness().ready);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
