import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValueWithName,
} from 'prom-client';
import { ERROR_KINDS, type ErrorKind } from '../errors.js';

/** Prefix of every metric the runtime defines. */
export const METRIC_PREFIX = 'danube_connector_';

/** Buckets (seconds) of `danube_connector_publish_latency_seconds`: 1 ms … 30 s. */
export const PUBLISH_LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

/** Buckets (envelopes) of `danube_connector_batch_size`. */
export const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000] as const;

/**
 * `topic` label of the series that are not per topic (`batch_size`, `health`): the value the
 * Rust runtime gives every series, so label sets match its dashboards.
 */
const ALL_TOPICS_LABEL = 'multi-topic';

/**
 * The Rust runtime's series (danube-connect-core `src/metrics.rs`), each served beside the one
 * of ours measuring the same fact, under the Rust name, with the Rust labels.
 */
const RUST_METRIC_NAMES = {
  records_received_total: 'messages_received_total',
  records_published_total: 'messages_processed_total',
  records_failed_total: 'messages_failed_total',
  retries_total: 'messages_retried_total',
  publish_latency_seconds: 'processing_duration_seconds',
  inflight: 'inflight_messages',
  healthy: 'health',
} as const;

/** Options for {@link RuntimeMetrics}. */
export interface RuntimeMetricsOptions {
  /** Value of the `connector` label on every metric (the config's `connector_name`). */
  connector: string;
  /** Also collect prom-client's default process metrics into the registry. Default true. */
  defaultMetrics?: boolean;
}

/**
 * The Prometheus metrics of one runtime, in a registry of its own (no global state: two
 * runtimes in one process never share or collide).
 *
 * Every metric carries the `connector` label. Per-topic metrics carry `topic` with the
 * Danube topic name the record was routed to (the configured topic, not the partition
 * topic). `records_failed_total` also carries `error_type`, the failure's kind (`ErrorKind`).
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `danube_connector_records_received_total` | counter | topic |
 * | `danube_connector_records_published_total` | counter | topic |
 * | `danube_connector_records_failed_total` | counter | topic, error_type |
 * | `danube_connector_retries_total` | counter | topic |
 * | `danube_connector_dead_lettered_total` | counter | topic |
 * | `danube_connector_skipped_total` | counter | topic |
 * | `danube_connector_source_failures_total` | counter | error_type |
 * | `danube_connector_publish_latency_seconds` | histogram | topic |
 * | `danube_connector_inflight` | gauge | topic |
 * | `danube_connector_batch_size` | histogram | topic (always `multi-topic`) |
 * | `danube_connector_buffered` | gauge | — |
 * | `danube_connector_last_committed_offset` | gauge | partition (numeric offsets only) |
 * | `danube_connector_committed_offsets_total` | counter | partition (every commit) |
 * | `danube_connector_healthy` | gauge (0/1) | — |
 * | `danube_connector_producers` | gauge | — |
 * | `danube_connector_up` | gauge (0/1) | — |
 * | `danube_connector_ready` | gauge (0/1) | — |
 *
 * The Rust runtime's names are served too, each an alias of ours read at scrape time (same
 * counts, no cost per record): `messages_received_total` (= `records_received_total`),
 * `messages_processed_total` (= `records_published_total`), `messages_failed_total`
 * (= `records_failed_total`, our bounded `error_type` values), `messages_retried_total`
 * (= `retries_total`), `processing_duration_seconds` (= `publish_latency_seconds`),
 * `inflight_messages` (= `inflight`) and `health` (= `healthy`, with `topic="multi-topic"`).
 * `batch_size` has the Rust name already.
 *
 * Offsets are the connector's own values: integers (or integer strings) are exported by
 * `last_committed_offset` (as a float64, so exact up to 2^53); cursors, LSN text and other
 * non-numeric offsets only advance `committed_offsets_total`, never a made-up number.
 *
 * The per-record figures (`records_received_total`, `records_published_total`, `inflight`,
 * `buffered`) are plain numbers on the data path and reach prom-client when the registry is
 * read (`text()`, any `registry` scrape): label hashing is paid per scrape, not per record.
 */
export class RuntimeMetrics {
  /** The registry holding these metrics; serve it with `registry.metrics()`. */
  readonly registry: Registry;
  /** The `connector` label value. */
  readonly connector: string;

  private readonly received: Counter<'topic'>;
  private readonly published: Counter<'topic'>;
  private readonly failed: Counter<'topic' | 'error_type'>;
  private readonly retries: Counter<'topic'>;
  private readonly deadLettered: Counter<'topic'>;
  private readonly skipped: Counter<'topic'>;
  private readonly sourceFailures: Counter<'error_type'>;
  private readonly publishLatency: Histogram<'topic'>;
  private readonly inflight: Gauge<'topic'>;
  private readonly batchSize: Histogram<'topic'>;
  private readonly buffered: Gauge;
  private readonly lastCommitted: Gauge<'partition'>;
  private readonly commits: Counter<'partition'>;
  private readonly healthy: Gauge;
  private readonly producers: Gauge;
  private readonly up: Gauge;
  private readonly ready: Gauge;
  /** Counts not yet added to `received` / `published`, per topic (flushed on collect). */
  private readonly unflushedReceived = new Map<string, number>();
  private readonly unflushedPublished = new Map<string, number>();
  /** Current `inflight` per topic and `buffered`, set on collect. */
  private readonly inflightNow = new Map<string, number>();
  private bufferedNow = 0;

  constructor(options: RuntimeMetricsOptions) {
    this.connector = options.connector;
    this.registry = new Registry();
    this.registry.setDefaultLabels({ connector: options.connector });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    const registers = [this.registry];
    const counter = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      collect?: () => void,
    ) => new Counter<L>({ name: METRIC_PREFIX + name, help, labelNames, registers, collect });
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      collect?: () => void,
    ) => new Gauge<L>({ name: METRIC_PREFIX + name, help, labelNames, registers, collect });
    const flush = (unflushed: Map<string, number>, target: () => Counter<'topic'>) => () => {
      for (const [topic, count] of unflushed) target().inc({ topic }, count);
      unflushed.clear();
    };

    this.received = counter(
      'records_received_total',
      'Records handed over by the connector',
      ['topic'],
      flush(this.unflushedReceived, () => this.received),
    );
    this.published = counter(
      'records_published_total',
      'Records durably published to Danube',
      ['topic'],
      flush(this.unflushedPublished, () => this.published),
    );
    this.failed = counter(
      'records_failed_total',
      `Records that finally failed, by error_type (the error's kind: ${ERROR_KINDS.join(', ')})`,
      ['topic', 'error_type'],
    );
    this.retries = counter('retries_total', 'Publish attempts retried', ['topic']);
    this.deadLettered = counter('dead_lettered_total', 'Records sent to the dead-letter topic', [
      'topic',
    ]);
    this.skipped = counter('skipped_total', 'Records skipped by the failure policy', ['topic']);
    this.sourceFailures = counter(
      'source_failures_total',
      'Retryable failures of the source (poll() errors, stream task rejections), each retried with backoff',
      ['error_type'],
    );
    for (const errorType of ERROR_KINDS) this.sourceFailures.inc({ error_type: errorType }, 0);
    this.publishLatency = new Histogram<'topic'>({
      name: METRIC_PREFIX + 'publish_latency_seconds',
      help: 'Time from hand-over to successful publish, in seconds',
      labelNames: ['topic'],
      buckets: [...PUBLISH_LATENCY_BUCKETS],
      registers,
    });
    this.inflight = gauge('inflight', 'Publishes in flight to the broker', ['topic'], () => {
      for (const [topic, count] of this.inflightNow) this.inflight.set({ topic }, count);
    });
    this.batchSize = new Histogram<'topic'>({
      name: METRIC_PREFIX + 'batch_size',
      help: 'Records per poll() batch (topic="multi-topic": a batch spans topics)',
      labelNames: ['topic'],
      buckets: [...BATCH_SIZE_BUCKETS],
      registers,
    });
    this.buffered = gauge('buffered', 'Envelopes accepted and waiting to be published', [], () =>
      this.buffered.set(this.bufferedNow),
    );
    this.lastCommitted = gauge(
      'last_committed_offset',
      'Last offset committed to the connector, per offset partition (numeric offsets only)',
      ['partition'],
    );
    this.commits = counter(
      'committed_offsets_total',
      'Offsets committed to the connector, per offset partition (any offset type)',
      ['partition'],
    );
    this.healthy = gauge('healthy', '1 when the connector health check passes, else 0', []);
    this.producers = gauge('producers', 'Danube producers created', []);
    this.up = gauge('up', '1 while the runtime is running, 0 once it stops', []);
    this.ready = gauge('ready', '1 when the runtime is ready (same rule as /readyz)', []);
    this.healthy.set(1);
    this.producers.set(0);
    this.registerRustAliases();
    this.up.set(0);
    this.ready.set(0);
  }

  /**
   * Creates every per-topic series at zero (including each `error_type`), so dashboards
   * and `rate()` see the topics before their first record.
   */
  registerTopics(topics: Iterable<string>): void {
    for (const topic of topics) {
      this.received.inc({ topic }, 0);
      this.published.inc({ topic }, 0);
      this.retries.inc({ topic }, 0);
      this.deadLettered.inc({ topic }, 0);
      this.skipped.inc({ topic }, 0);
      if (!this.inflightNow.has(topic)) this.inflightNow.set(topic, 0);
      for (const errorType of ERROR_KINDS) this.failed.inc({ topic, error_type: errorType }, 0);
    }
  }

  /** Counts `count` records handed over for `topic`. */
  recordReceived(topic: string, count = 1): void {
    this.unflushedReceived.set(topic, (this.unflushedReceived.get(topic) ?? 0) + count);
  }

  /** Counts one published record and observes its publish latency. */
  recordPublished(topic: string, latencySeconds: number): void {
    this.unflushedPublished.set(topic, (this.unflushedPublished.get(topic) ?? 0) + 1);
    if (Number.isFinite(latencySeconds) && latencySeconds >= 0) {
      this.publishLatency.observe({ topic }, latencySeconds);
    }
  }

  /** Counts one finally failed record under its error's kind. */
  recordFailed(topic: string, errorType: ErrorKind): void {
    this.failed.inc({ topic, error_type: errorType });
  }

  /** Counts one retried publish attempt. */
  recordRetry(topic: string): void {
    this.retries.inc({ topic });
  }

  /** Counts one record sent to the dead-letter topic. */
  recordDeadLettered(topic: string): void {
    this.deadLettered.inc({ topic });
  }

  /** Counts one record skipped by the failure policy. */
  recordSkipped(topic: string): void {
    this.skipped.inc({ topic });
  }

  /** Counts one retryable source failure under its error's kind. */
  recordSourceFailure(errorType: ErrorKind): void {
    this.sourceFailures.inc({ error_type: errorType });
  }

  /** Observes the size of one batch. */
  observeBatch(size: number): void {
    this.batchSize.observe({ topic: ALL_TOPICS_LABEL }, size);
  }

  /** Sets the number of publishes in flight for `topic`. */
  setInflight(topic: string, count: number): void {
    this.inflightNow.set(topic, count);
  }

  /** Sets the number of buffered envelopes. */
  setBuffered(count: number): void {
    this.bufferedNow = count;
  }

  /** Records a commit of `value` for offset `partition` (see the class notes on offsets). */
  setCommitted(partition: string, value: bigint | number | string): void {
    this.commits.inc({ partition });
    const numeric = numericOffset(value);
    if (numeric !== undefined) this.lastCommitted.set({ partition }, numeric);
  }

  /** Sets the connector health gauge. */
  setHealthy(healthy: boolean): void {
    this.healthy.set(healthy ? 1 : 0);
  }

  /** Sets the number of Danube producers created. */
  setProducers(count: number): void {
    this.producers.set(count);
  }

  /** Sets the `up` gauge (1 while running). */
  setUp(up: boolean): void {
    this.up.set(up ? 1 : 0);
  }

  /** Sets the `ready` gauge. */
  setReady(ready: boolean): void {
    this.ready.set(ready ? 1 : 0);
  }

  private registerRustAliases(): void {
    const sources = {
      records_received_total: this.received,
      records_published_total: this.published,
      records_failed_total: this.failed,
      retries_total: this.retries,
      publish_latency_seconds: this.publishLatency,
      inflight: this.inflight,
      healthy: this.healthy,
    };
    for (const [ours, rust] of Object.entries(RUST_METRIC_NAMES)) {
      const source: AnyMetric = sources[ours as keyof typeof sources];
      const name = METRIC_PREFIX + rust;
      const help = `Rust runtime name of ${METRIC_PREFIX}${ours}`;
      const labels: Record<string, string> = ours === 'healthy' ? { topic: ALL_TOPICS_LABEL } : {};
      const type =
        source instanceof Histogram ? 'histogram' : source instanceof Gauge ? 'gauge' : 'counter';
      const alias: RegistryEntry = {
        name,
        help,
        type,
        aggregator: 'sum',
        get: async () => renamed(await source.get(), name, help, labels),
        reset: () => undefined,
      };
      // prom-client types registerMetric for its own classes; its registry reads only the
      // fields above, and through get() (public) an alias shows exactly the source's values.
      this.registry.registerMetric(alias as unknown as Counter);
    }
  }

  /** The Prometheus text exposition of every metric in the registry. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type to serve {@link RuntimeMetrics.text} with. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;
type MetricReading = MetricObjectWithValues<MetricValueWithName<string>>;

/** The part of a metric a prom-client registry uses. */
interface RegistryEntry {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly aggregator: 'sum';
  get(): Promise<MetricReading>;
  reset(): void;
}

/** `reading` under another name (`_bucket`, `_sum`, `_count` suffixes kept), `labels` added. */
function renamed(
  reading: MetricReading,
  name: string,
  help: string,
  labels: Readonly<Record<string, string>>,
): MetricReading {
  return {
    ...reading,
    name,
    help,
    values: reading.values.map((value) => ({
      ...value,
      labels: { ...labels, ...value.labels },
      ...(value.metricName === undefined
        ? {}
        : { metricName: name + value.metricName.slice(reading.name.length) }),
    })),
  };
}

function numericOffset(value: bigint | number | string): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}
