import { setMaxListeners } from 'node:events';
import type { ConnectorConfig } from '../config/types.js';
import { RuntimeStoppingError } from '../connector/errors.js';
import { createConnectorContext } from '../connector/context.js';
import type { Offset } from '../connector/offset.js';
import { validateProducerConfigs, type ProducerConfig } from '../connector/producer-config.js';
import type { SourceConnector, SourceMode } from '../connector/source-connector.js';
import { startHttpServer, type HttpServer } from '../observability/http-server.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import type { TokenSupplier } from '../client/token.js';
import { parsePartitionTopic } from '../client/routing.js';
import { SecretRedactor } from '../redact.js';
import { RuntimeState } from '../observability/state.js';
import type { OffsetStore } from './offsets/offset-store.js';
import { configuredOffsetStore } from './offsets/open-store.js';
import { describeHolder } from './offsets/lock-holder.js';
import { resolveSchemas } from '../schema/resolver.js';
import type { BackoffSettings } from './backoff.js';
import { BoundedBuffer } from './bounded-buffer.js';
import { realClock, type Clock } from './clock.js';
import { CommitScheduler } from './commit-scheduler.js';
import { DanubeConnectError, errorMessage } from '../errors.js';
import { asFatal, givenUp } from './errors.js';
import { FailurePolicy } from './failure-policy.js';
import { HealthMonitor } from './health-monitor.js';
import { registerHardStop } from './hard-stop.js';
import { OffsetTracker } from './offset-tracker.js';
import { PersistedOffsets } from './persisted-offsets.js';
import { runPollLoop } from './poll-loop.js';
import { PublishPipeline, type PublishTarget } from './publish-pipeline.js';
import { Publisher, type PublishProducer } from './publisher.js';
import { installSignalHandlers } from './signals.js';
import { StopDeadline } from './stop-deadline.js';
import {
  clientOptions,
  connectDanube,
  createTargets,
  producerName,
  type ClientFactory,
  type RuntimeClient,
} from './startup.js';
import { SourceOutage } from './source-outage.js';
import { runStreamTask, StreamSender } from './stream-driver.js';

function backoffOf(core: ConnectorConfig): BackoffSettings {
  return { baseMs: core.retry.retry_backoff_ms, maxMs: core.retry.max_backoff_ms };
}

/** Options of {@link SourceRuntime}; all optional. */
export interface SourceRuntimeOptions {
  /** Time source; tests inject a `ManualClock`. Default the real clock. */
  clock?: Clock;
  /**
   * Logger; default a pino logger at `processing.log_level` that redacts `core.secrets` and
   * {@link SourceRuntimeOptions.secrets}. A logger of your own redacts what you gave it:
   * `createLogger({ secrets })`.
   */
  logger?: Logger;
  /**
   * Secret values the configuration does not declare (e.g. one read from an environment
   * variable whose name is a setting): redacted like `core.secrets` in the default logger,
   * in `/status` and `/readyz`, and in the error messages the runtime keeps.
   *
   * @example
   * ```ts
   * const hmacKey = process.env[config.auth.secret_env] ?? '';
   * new SourceRuntime(connector, config.core, { secrets: [hmacKey] });
   * ```
   */
  secrets?: Iterable<string>;
  /**
   * Where committed offsets are kept, instead of the store `[offsets]` configures (for a
   * backend of your own). The runtime locks and loads it at start and closes it at the stop.
   */
  offsetStore?: OffsetStore;
  /**
   * Supplies the broker token, asked before every call (Rust's `with_token_supplier`), instead
   * of `danube.token` or `danube.token_file` (giving both is a configuration error). https
   * only. Every token it returns is redacted like a secret.
   *
   * @example
   * ```ts
   * new SourceRuntime(connector, config.core, { token: () => vault.currentToken() });
   * ```
   */
  token?: TokenSupplier;
  /** Creates the Danube client; default `DanubeClient.connect`. */
  clientFactory?: ClientFactory;
  /** Metrics registry to fill; default a new one labelled with `connector_name`. */
  metrics?: RuntimeMetrics;
  /**
   * The health / readiness / metrics / status HTTP server: `false` = none; default on
   * `processing.metrics_port` (`{ port: 0 }` picks a free port).
   */
  http?: false | { port?: number; host?: string };
}

/** Options of {@link SourceRuntime.run}. */
export interface RunOptions {
  /** Aborting it stops the runtime gracefully (drain, commit, shutdown). */
  signal?: AbortSignal;
  /**
   * Install SIGTERM / SIGINT handlers while running (default true): the first signal stops
   * gracefully, a second forces exit (130 for SIGINT, 143 for SIGTERM).
   */
  handleSignals?: boolean;
}

/** Live numbers of the data path (for tests, benchmarks and the status endpoint). */
export interface RuntimeStats {
  /** Envelopes accepted and not settled yet: queued + in flight (bounded by `buffer_size`). */
  accepted: number;
  /** Highest `accepted` seen. */
  peakAccepted: number;
  /** `processing.buffer_size`. */
  capacity: number;
  /** Envelopes being sent (with their retries). */
  inflight: number;
  /** Envelopes waiting for room in their partition lane. */
  queued: number;
  /** `commit()` calls made. */
  commits: number;
}

/**
 * Runs a {@link SourceConnector}: connects to Danube, initializes the connector, creates one
 * producer per declared topic (schemas attached), then polls or lets it stream, publishes in
 * order per partition with retries, commits offsets after durable publish, runs health
 * checks, and stops gracefully (drain, commit, `shutdown()`, close) on a signal, an abort or a
 * fatal error.
 *
 * @example
 * ```ts
 * const config = await loadConfig(settings);
 * await new SourceRuntime(new MySource(config.my_source), config.core).run();
 * ```
 */
export class SourceRuntime {
  /** Numbers and status served by `/status` and `/readyz`. */
  readonly state: RuntimeState;
  /** Prometheus metrics served by `/metrics`. */
  readonly metrics: RuntimeMetrics;

  private readonly connector: SourceConnector;
  private readonly core: ConnectorConfig;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly clientFactory: ClientFactory;
  private readonly secrets: SecretRedactor;
  private readonly tokenSupplier: TokenSupplier | undefined;
  private readonly httpOption: false | { port?: number; host?: string };
  private readonly buffer: BoundedBuffer;
  private readonly offsetStore: OffsetStore | undefined;

  private started = false;
  private stopRequested = false;
  /** Stopped hard (the conformance kit's crash): no drain, no final commit, no `shutdown()`. */
  private crashed = false;
  private fatalError: DanubeConnectError | undefined;
  private resolveStopped: () => void = () => undefined;
  private readonly stoppedSignal: Promise<void>;
  private resolveRunning: () => void = () => undefined;
  private rejectRunning: (error: Error) => void = () => undefined;
  private readonly runningSignal: Promise<void>;
  private readonly intake = new AbortController();
  private readonly publishAbort = new AbortController();
  private readonly deadline: StopDeadline;

  private http: HttpServer | undefined;
  private persisted: PersistedOffsets | undefined;
  private client: RuntimeClient | undefined;
  private initialized = false;
  private targets = new Map<string, PublishTarget>();
  private deadLetterProducer: PublishProducer | undefined;
  private pipeline: PublishPipeline | undefined;
  private commits: CommitScheduler | undefined;
  private health: HealthMonitor | undefined;
  private sender: StreamSender | undefined;
  private intakeTask: Promise<void> | undefined;

  constructor(
    connector: SourceConnector,
    core: ConnectorConfig,
    options: SourceRuntimeOptions = {},
  ) {
    this.connector = connector;
    this.core = core;
    this.clock = options.clock ?? realClock;
    const secrets = new SecretRedactor([...core.secrets, ...(options.secrets ?? [])]);
    this.secrets = secrets;
    this.tokenSupplier = options.token;
    this.logger =
      options.logger ??
      createLogger({ level: core.processing.log_level, secrets, name: core.connector_name });
    this.clientFactory = options.clientFactory ?? connectDanube;
    this.offsetStore =
      options.offsetStore ??
      configuredOffsetStore(core, {
        clock: this.clock,
        onWait: ({ holder, waitMs }) =>
          this.logger.warn(
            { holder, waitMs },
            `the offsets lock is held by ${describeHolder(holder)}, which cannot be checked from here: waiting up to ${waitMs} ms (offsets.lock_lease_ms) for it to renew (then this instance stops) or go stale (then it is taken over)`,
          ),
      });
    this.httpOption = options.http ?? { port: core.processing.metrics_port };
    this.metrics = options.metrics ?? new RuntimeMetrics({ connector: core.connector_name });
    this.state = new RuntimeState({
      connector: core.connector_name,
      metrics: this.metrics,
      secrets,
    });
    this.buffer = new BoundedBuffer(core.processing.buffer_size);
    this.deadline = new StopDeadline(this.clock, core.processing.shutdown_timeout_ms);
    // Every send waiting for a retry listens on this one signal: thousands at once is normal.
    setMaxListeners(0, this.publishAbort.signal);
    this.stoppedSignal = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    this.runningSignal = new Promise((resolve, reject) => {
      this.resolveRunning = resolve;
      this.rejectRunning = reject;
    });
    // Only whenRunning() callers observe it: a run that never ran is not an unhandled rejection.
    this.runningSignal.catch(() => undefined);
    registerHardStop(this, () => this.crash());
  }

  /** The data path's live numbers. */
  get stats(): RuntimeStats {
    return {
      accepted: this.buffer.size,
      peakAccepted: this.buffer.peak,
      capacity: this.buffer.capacity,
      inflight: this.pipeline?.inflight ?? 0,
      queued: this.pipeline?.queued ?? 0,
      commits: this.commits?.commits ?? 0,
    };
  }

  /** URL of the observability server once started (`http://127.0.0.1:PORT`). */
  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  /**
   * Resolves once `run()` is running: connected to Danube, connector initialized, producers
   * created, polling or streaming started (`/readyz` may still wait for the health check).
   * Rejects with the error `run()` rejects with when it fails before that, or with a
   * `RuntimeStoppingError` when it is stopped first. Once resolved it stays resolved; `run()`
   * tells when the runtime stopped.
   *
   * @example
   * ```ts
   * const stopped = runtime.run({ signal });
   * try {
   *   await runtime.whenRunning();
   *   console.log(`status at ${runtime.httpUrl}/status`);
   * } finally {
   *   await stopped; // also observes run()'s rejection when start-up failed
   * }
   * ```
   */
  whenRunning(): Promise<void> {
    return this.runningSignal;
  }

  /** Starts a graceful stop (same as aborting `run`'s signal). */
  stop(reason = 'stop requested'): void {
    this.requestStop(reason);
  }

  /**
   * Runs until stopped. Resolves after a clean stop; rejects with the fatal error (from
   * `initialize`, `poll`, the stream task, a record under `failure_policy = "fail"`,
   * commits that kept failing, …) after the same drain-commit-shutdown sequence. It is always
   * a `DanubeConnectError`: an error the connector's own code threw becomes the `cause` of
   * one of kind `fatal` with the same message.
   */
  async run(options: RunOptions = {}): Promise<void> {
    if (this.started)
      throw new DanubeConnectError('usage', 'SourceRuntime.run() can be called only once');
    this.started = true;
    const removeSignals =
      (options.handleSignals ?? true)
        ? installSignalHandlers({ onShutdown: (signal) => this.requestStop(`received ${signal}`) })
        : () => undefined;
    const signal = options.signal;
    const onAbort = (): void => this.requestStop('abort signal');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      try {
        await this.start();
        if (!this.stopRequested) {
          this.startIntake();
          this.resolveRunning();
        }
        await this.stoppedSignal;
      } catch (error) {
        this.fail(error);
      }
      // No effect once running; otherwise whenRunning() learns it never will be.
      this.rejectRunning(
        this.fatalError ??
          new RuntimeStoppingError('the runtime was stopped before it was running'),
      );
      await this.shutdown();
    } finally {
      signal?.removeEventListener('abort', onAbort);
      removeSignals();
    }
    if (this.fatalError !== undefined) throw this.fatalError;
  }

  private requestStop(reason: string): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    // A stop() before run() starts the deadline in shutdown() instead: no timer for a runtime
    // that may never run.
    if (this.started) this.deadline.start();
    this.logger.info({ reason }, `stopping: ${reason}`);
    this.resolveStopped();
  }

  private fail(error: unknown): void {
    const fatal = asFatal(error);
    if (this.fatalError === undefined) {
      this.fatalError = fatal;
      this.state.recordError(fatal);
      this.logger.error({ err: fatal }, `fatal: ${errorMessage(fatal)}`);
    } else if (this.fatalError !== fatal && this.fatalError.cause !== error) {
      this.logger.error({ err: fatal }, `another error while stopping: ${errorMessage(fatal)}`);
    }
    this.requestStop('fatal error');
  }

  private checkMode(): SourceMode {
    const mode = this.connector.mode();
    const name = this.connector.constructor.name || 'the connector';
    if (mode === 'polling' && typeof this.connector.poll !== 'function') {
      throw new DanubeConnectError(
        'config',
        `${name} runs in polling mode but does not implement poll(signal); implement poll, or return 'streaming' from mode() and implement startStreaming`,
      );
    }
    if (mode === 'streaming' && typeof this.connector.startStreaming !== 'function') {
      throw new DanubeConnectError(
        'config',
        `${name} returns 'streaming' from mode() but does not implement startStreaming(sender, signal)`,
      );
    }
    if (mode !== 'polling' && mode !== 'streaming') {
      throw new DanubeConnectError(
        'config',
        `${name}.mode() must return 'polling' or 'streaming', got ${String(mode)}`,
      );
    }
    return mode;
  }

  private async start(): Promise<void> {
    const { core } = this;
    const mode = this.checkMode();
    this.state.setMode(mode);
    if (this.httpOption !== false) {
      const port = this.httpOption.port ?? core.processing.metrics_port;
      try {
        this.http = await startHttpServer({
          port,
          ...(this.httpOption.host === undefined ? {} : { host: this.httpOption.host }),
          state: this.state,
          metrics: this.metrics,
          logger: this.logger,
        });
      } catch (error) {
        throw new DanubeConnectError(
          'config',
          `processing.metrics_port: cannot serve the health and metrics endpoints on port ${port}: ${errorMessage(error)}`,
          { cause: error, keyPath: 'processing.metrics_port' },
        );
      }
    }
    const loaded = await this.openOffsets();
    if (this.stopRequested) return;
    this.client = await this.clientFactory(
      await clientOptions(core, {
        logger: this.logger,
        redactor: this.secrets,
        token: this.tokenSupplier,
      }),
    );
    if (this.stopRequested) return;

    this.initialized = true;
    const context = createConnectorContext(loaded, {
      index: core.offsets.instance_index,
      count: core.offsets.instance_count,
    });
    await this.deadline.bound('connector initialize()', this.connector.initialize(core, context));
    if (this.stopRequested) return;

    const declared = await this.deadline.bound(
      'connector producerConfigs()',
      Promise.resolve(this.connector.producerConfigs()),
    );
    const configs = await this.attachSchemas(validateProducerConfigs(declared));
    if (this.stopRequested) return;
    this.targets = await createTargets(this.client, core, configs);
    const deadLetterTopic = core.processing.dead_letter_topic;
    if (core.processing.failure_policy === 'dead_letter' && deadLetterTopic !== undefined) {
      this.deadLetterProducer = await this.client.createProducer({
        topic: deadLetterTopic,
        name: producerName(core.connector_name, deadLetterTopic),
        retry: false,
      });
    }
    this.state.setProducers(
      configs.map((c) => ({
        topic: c.topic,
        name: producerName(core.connector_name, c.topic),
        partitions: c.partitions,
        reliableDispatch: c.reliableDispatch,
        ...(c.schemaConfig === undefined
          ? {}
          : { schema: { subject: c.schemaConfig.subject, version: c.schemaConfig.version } }),
      })),
    );
    this.state.setConnected(true);
    this.buildDataPath();
    if (this.connector.healthCheck !== undefined) {
      const check = this.connector.healthCheck.bind(this.connector);
      this.health = new HealthMonitor({
        check,
        clock: this.clock,
        intervalMs: core.processing.health_check_interval_ms,
        failureThreshold: core.processing.health_check_failure_threshold,
        state: this.state,
        logger: this.logger.child({ component: 'health' }),
      });
      this.health.start();
    }
    this.state.markRunning();
    this.logger.info(
      { mode, topics: configs.map((c) => c.topic), failurePolicy: core.processing.failure_policy },
      `${core.connector_name} running in ${mode} mode, publishing to ${configs.map((c) => c.topic).join(', ')}`,
    );
  }

  /** Locks and loads the offsets store, if there is one; the offsets it holds, or none. */
  private async openOffsets(): Promise<readonly Offset[]> {
    const store = this.offsetStore;
    if (store === undefined) return [];
    const opening = PersistedOffsets.open(store);
    // A stop during the wait for a lock must not leave the lock behind once it is taken.
    opening.then(
      (persisted) => {
        this.persisted = persisted;
      },
      () => undefined,
    );
    const persisted = await this.deadline.bound('taking the offsets lock', opening);
    this.logger.info(
      { store: persisted.description, offsets: persisted.loaded.map(String) },
      persisted.loaded.length === 0
        ? `offsets kept in ${persisted.description}: none committed yet`
        : `offsets kept in ${persisted.description}: resuming after ${persisted.loaded.map(String).join(', ')}`,
    );
    return persisted.loaded;
  }

  private async attachSchemas(configs: ProducerConfig[]): Promise<ProducerConfig[]> {
    if (this.core.schemas.length === 0 || this.client === undefined) return configs;
    const resolved = await resolveSchemas(this.core, this.client.schemas);
    const declared = new Set(configs.map((c) => c.topic));
    for (const topic of resolved.keys()) {
      if (!declared.has(topic)) {
        this.logger.warn(
          { topic },
          `[[schemas]] entry for ${topic}, which producerConfigs() does not declare`,
        );
      }
    }
    return configs.map((c) => {
      const schema = resolved.get(c.topic);
      return schema === undefined ? c : { ...c, schemaConfig: schema };
    });
  }

  private buildDataPath(): void {
    const { core, clock, state } = this;
    const backoff = backoffOf(core);
    const publisher = new Publisher({
      clock,
      backoff,
      publishTimeoutMs: core.retry.publish_timeout_ms,
      signal: this.publishAbort.signal,
      onRetry: (topic, error) => {
        state.recordRetry(parsePartitionTopic(topic)?.topic ?? topic, error);
        this.logger.debug(
          { topic, err: error },
          `retrying publish to ${topic}: ${errorMessage(error)}`,
        );
      },
    });
    const failurePolicy = new FailurePolicy({
      policy: core.processing.failure_policy,
      connectorName: core.connector_name,
      state,
      logger: this.logger.child({ component: 'failure-policy' }),
      ...(this.deadLetterProducer === undefined
        ? {}
        : {
            deadLetter: {
              producer: this.deadLetterProducer,
              publisher,
              maxPayloadBytes: core.processing.dead_letter_max_payload_bytes,
              fallback: core.processing.dead_letter_fallback,
            },
          }),
    });
    const commit = this.commitFunction();
    const tracker = commit === undefined ? undefined : new OffsetTracker();
    const pipeline = new PublishPipeline({
      targets: this.targets,
      publisher,
      failurePolicy,
      buffer: this.buffer,
      tracker,
      maxInflightPerPartition: core.processing.max_inflight_per_partition,
      state,
      clock,
      logger: this.logger.child({ component: 'pipeline' }),
      onSettled: () => this.commits?.notifySettled(),
      onFatal: (error) => this.fail(error),
    });
    this.pipeline = pipeline;
    if (commit !== undefined && tracker !== undefined) {
      this.commits = new CommitScheduler({
        tracker,
        commit,
        clock,
        batchSize: core.processing.batch_size,
        batchTimeoutMs: core.processing.batch_timeout_ms,
        isIdle: () => this.buffer.size === 0,
        maxRetries: core.retry.max_retries,
        backoff,
        signal: this.deadline.signal,
        onCommitted: (offsets) => {
          for (const offset of offsets) state.setCommitted(offset.partition, offset.value);
          this.logger.debug({ offsets: offsets.map(String) }, 'committed');
        },
        onRetry: (error, attempt) =>
          this.logger.warn(
            { err: error, attempt },
            `commit failed, retrying: ${errorMessage(error)}`,
          ),
        onFatal: (error) => this.fail(givenUp('commit()', error, core.retry.max_retries)),
      });
    }
  }

  /**
   * What a commit does: save to the offsets store, then call the connector's `commit()`
   * (either may be absent). Saving first means a connector that acknowledges upstream in
   * `commit()` never does so for offsets a crash could still lose.
   */
  private commitFunction(): ((offsets: Offset[]) => Promise<void>) | undefined {
    const connectorCommit = this.connector.commit?.bind(this.connector);
    const persisted = this.persisted;
    if (persisted === undefined) return connectorCommit;
    return async (offsets) => {
      await persisted.save(offsets);
      await connectorCommit?.(offsets);
    };
  }

  private startIntake(): void {
    const pipeline = this.pipeline as PublishPipeline;
    const signal = this.intake.signal;
    const streaming = this.connector.mode() === 'streaming';
    const outage = new SourceOutage({
      operation: streaming ? 'startStreaming()' : 'poll()',
      clock: this.clock,
      backoff: backoffOf(this.core),
      timeoutMs: this.core.retry.source_retry_timeout_ms,
      state: this.state,
      logger: this.logger.child({ component: streaming ? 'stream' : 'poller' }),
    });
    if (streaming) {
      const sender = new StreamSender(pipeline, outage);
      this.sender = sender;
      const connector = this.connector as Required<Pick<SourceConnector, 'startStreaming'>>;
      this.intakeTask = runStreamTask({
        start: (s, abort) => connector.startStreaming(s, abort),
        sender,
        outage,
        signal,
      }).catch((error: unknown) => this.fail(error));
      return;
    }
    const connector = this.connector as Required<Pick<SourceConnector, 'poll'>>;
    this.intakeTask = runPollLoop({
      poll: (s) => connector.poll(s),
      pipeline,
      clock: this.clock,
      pollIntervalMs: this.core.processing.poll_interval_ms,
      outage,
      signal,
      onBatch: (size) => this.state.observeBatch(size),
    }).catch((error: unknown) => this.fail(error));
  }

  /**
   * The graceful stop. Every wait is bounded by the one stop deadline (see {@link StopDeadline}):
   * once it passed, what is still running goes on unwaited, no commit starts, and the Danube
   * client is closed all the same.
   */
  private async shutdown(): Promise<void> {
    if (this.crashed) return this.stopHard();
    this.deadline.start();
    this.state.markStopping();
    const stopping = new RuntimeStoppingError();
    this.intake.abort(stopping);
    this.sender?.stop(stopping);

    await this.drain(stopping);
    const { commits, health } = this;
    if (commits !== undefined) {
      commits.stop();
      await this.awaitConnector('connector commit()', () => commits.flush());
    }
    // After the final commit, so a stream task slow to return cannot cost it.
    const streamTask = this.sender === undefined ? undefined : this.intakeTask;
    if (streamTask !== undefined && !this.deadline.passed) {
      if (!(await this.deadline.within(streamTask)))
        this.logger.warn('startStreaming() did not return after its signal aborted');
    }
    if (health !== undefined) {
      await this.awaitConnector('connector healthCheck()', () => health.stop());
    }
    const shutdown = this.connector.shutdown?.bind(this.connector);
    if (this.initialized && shutdown !== undefined) {
      await this.awaitConnector('connector shutdown()', shutdown);
    }
    await this.closeOffsets();
    this.deadline.clear();

    await this.closeDanube();
    this.state.markStopped();
    await this.http?.close().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'closing the observability server failed');
    });
    this.logger.info(
      { fatal: this.fatalError === undefined ? undefined : errorMessage(this.fatalError) },
      this.fatalError === undefined ? 'stopped' : 'stopped after a fatal error',
    );
  }

  /** Releases the offsets lock (not waited for once the stop deadline passed). */
  private async closeOffsets(): Promise<void> {
    const persisted = this.persisted;
    if (persisted === undefined) return;
    const closing = persisted.close().catch((error: unknown) => {
      this.logger.warn({ err: error }, `closing the offsets store failed: ${errorMessage(error)}`);
    });
    if (!this.deadline.passed) await this.deadline.within(closing);
  }

  /** Starts a hard stop (see {@link hardStop}); `run()` settles once it is done. */
  private crash(): void {
    this.crashed = true;
    this.persisted?.abandon();
    this.commits?.stop();
    this.requestStop('hard stop');
  }

  /**
   * What is left of a crash: nothing more is published, committed, saved or asked of the
   * connector; the offsets lock is left to go stale, as a killed process leaves it.
   */
  private async stopHard(): Promise<void> {
    const stopping = new RuntimeStoppingError('the runtime was stopped hard');
    this.state.markStopping();
    this.intake.abort(stopping);
    this.sender?.stop(stopping);
    this.publishAbort.abort(stopping);
    this.pipeline?.closeIntake(stopping);
    this.pipeline?.abandon(stopping);
    this.health?.stop().catch(() => undefined);
    this.deadline.clear();
    await this.closeDanube();
    this.state.markStopped();
    await this.http?.close().catch(() => undefined);
    this.logger.info('stopped hard: no drain, no final commit, no shutdown()');
  }

  /**
   * Waits until the stop deadline for everything accepted to be published; abandons the rest
   * (not committed, so it is read again after a restart).
   */
  private async drain(stopping: RuntimeStoppingError): Promise<void> {
    const { deadline } = this;
    const timeoutMs = this.core.processing.shutdown_timeout_ms;
    // A poll batch in hand is still accepted (it was handed over); a stream task cannot hand
    // anything over once the sender refuses, so draining need not wait for it.
    if (this.intakeTask !== undefined && this.sender === undefined) {
      await deadline.within(this.intakeTask);
    }
    const pipeline = this.pipeline;
    if (pipeline === undefined) return;
    pipeline.closeIntake(stopping);
    if (await deadline.within(pipeline.drained())) return;
    const left = this.buffer.size;
    this.logger.warn(
      { unpublished: left, shutdownTimeoutMs: timeoutMs },
      `${left} envelope(s) not published within processing.shutdown_timeout_ms = ${timeoutMs}: they are not committed and will be read again`,
    );
    this.publishAbort.abort(stopping);
    pipeline.abandon(
      new RuntimeStoppingError(
        `not published within processing.shutdown_timeout_ms = ${timeoutMs} ms; not committed`,
      ),
    );
    await pipeline.drained();
  }

  /**
   * Waits for a connector call of the stop until the stop deadline. A call that fails or that
   * the deadline cuts is fatal; once the deadline has passed, a call still runs but is not
   * waited for (its failure is logged).
   */
  private async awaitConnector(step: string, call: () => Promise<void>): Promise<void> {
    const settled = (async () => call())().catch((error: unknown) => {
      this.logger.error({ err: error }, `${step} failed: ${errorMessage(error)}`);
      this.fatalError ??= asFatal(error);
    });
    if (this.deadline.passed) return;
    try {
      await this.deadline.bound(step, settled);
    } catch (error) {
      this.fail(error);
    }
  }

  private async closeDanube(): Promise<void> {
    const producers = [...this.targets.values()].map((t) => t.producer);
    if (this.deadLetterProducer !== undefined) producers.push(this.deadLetterProducer);
    const results = await Promise.allSettled([
      ...producers.map((p) => p.close()),
      ...(this.client === undefined ? [] : [this.client.close()]),
    ]);
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.warn({ err: result.reason }, 'closing the Danube client failed');
      }
    }
    this.state.setConnected(false);
  }
}
