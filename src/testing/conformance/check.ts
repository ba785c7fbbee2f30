import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { z } from 'zod';
import { TOPIC_PATTERN } from '../../config/core-schema.js';
import { parseConfig, type LoadedConfig, type SettingsSchema } from '../../config/parse.js';
import type { ConnectorModule } from '../../connector/define-connector.js';
import { validateProducerConfigs, type ProducerConfig } from '../../connector/producer-config.js';
import type { SourceConnector } from '../../connector/source-connector.js';
import { partitionForKey, partitionTopicName } from '../../client/routing.js';
import { SourceRuntime } from '../../runtime/source-runtime.js';
import { encodeWithoutSchema } from '../../schema/without-schema.js';
import { startBroker, type EmbeddedBroker } from '../broker/server.js';
import type { StoredMessage } from '../broker/types.js';
import {
  ConformanceError,
  CONFORMANCE_PROPERTIES,
  type ConformanceProperty,
  type ConformanceReport,
  type PropertyResult,
  type RoundReport,
} from './errors.js';
import { baseTopic, Fingerprints } from './fingerprint.js';
import {
  ConnectorRecorder,
  describeHandOver,
  droppedByPolicy,
  type CallEvent,
  type HandOver,
  type LifecycleCall,
} from './recorder.js';

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

type Outcome = { status: 'resolved' } | { status: 'rejected'; error: Error };

interface RoundState {
  round: number;
  emitted: number;
  outcome: Outcome | undefined;
  /** Why the round stopped early (start failure, delivery timeout…). */
  failure: { property: ConformanceProperty; detail: string; example?: string } | undefined;
  mode: 'polling' | 'streaming' | 'unknown';
  hasCommit: boolean;
  hasShutdown: boolean;
  hasHealthCheck: boolean;
  health: PropertyResult | undefined;
  /** Records the failure policy skipped or dead-lettered (runtime counters). */
  policyDropped: number;
  /** The runtime's last recorded error, for examples. */
  lastError: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const HEALTH_INTERVAL_MS = 50;

/**
 * Checks a source connector against the embedded broker and throws a
 * {@link ConformanceError} naming each broken property with a minimal example. Works
 * from any test runner (it throws; it does not import one).
 *
 * It starts its own embedded broker (creating the namespaces of the configured and
 * declared topics), runs the connector twice through the real `SourceRuntime`, and
 * checks:
 * - **lifecycle-order**: `initialize` → `producerConfigs` → `poll` / `startStreaming` →
 *   `shutdown`, once each where once is due, never overlapping polls, nothing after `shutdown`;
 * - **producer-configs**: valid topic names (`/namespace/name`), partitions ≥ 0, the
 *   expected topics declared, every record for a declared topic;
 * - **records-arrive**: every record handed over is stored by the broker with its key
 *   (on the partition its key routes to) and attributes;
 * - **offsets-after-publish**: each `commit` covers only published records, contiguous in
 *   hand-over order, never backwards;
 * - **shutdown-drains**: after a graceful stop everything handed over is published and
 *   its offset committed, and `shutdown()` was called once, last;
 * - **restart-resumes**: a fresh instance with the same config delivers the next records
 *   and does not re-read records already committed;
 * - **health-checks**: the runtime calls `healthCheck()` (interval forced to 50 ms), and
 *   with `health` hooks marks the connector unhealthy and healthy again.
 *
 * @example
 * ```ts
 * import { checkConnectorConformance } from 'danube-connect-core/testing';
 * import connector from '../src/connector.js';
 *
 * it('is a conformant Danube source', async () => {
 *   const report = await checkConnectorConformance({
 *     module: connector,
 *     config: await readFile('connector.toml', 'utf8'),
 *     configDir: process.cwd(),
 *     emit: async (n, { emittedBefore }) => {
 *       for (let i = 0; i < n; i++) await db.query('insert into events(id) values ($1)', [emittedBefore + i]);
 *     },
 *     emitWhileStopped: true,          // rows inserted while the connector is down are picked up
 *     expectedTopics: ['/data/events'],
 *   });
 *   console.log(formatConformanceReport(report));
 * });
 * ```
 */
export async function checkConnectorConformance<S extends SettingsSchema>(
  options: ConformanceOptions<S>,
): Promise<ConformanceReport> {
  const startedAt = performance.now();
  const { settings, create } = factory(options);
  const raw = configObject(options.config);
  const broker = await startBroker({ namespaces: [...namespacesOf(raw, options)] });
  let report: ConformanceReport;
  try {
    report = await new ConformanceRun(options, settings, create, raw, broker).run(startedAt);
  } finally {
    await broker.close();
  }
  if (report.properties.some((p) => p.status === 'failed')) throw new ConformanceError(report);
  return report;
}

function factory<S extends SettingsSchema>(
  options: ConformanceOptions<S>,
): {
  settings: S;
  create: (config: LoadedConfig<S>) => SourceConnector | Promise<SourceConnector>;
} {
  if (options.module !== undefined) {
    return {
      settings: options.module.settings,
      create: (config) => options.module!.create(config),
    };
  }
  if (options.create === undefined) {
    throw new TypeError(
      'checkConnectorConformance: pass `module` (a defineConnector module) or `create`',
    );
  }
  return { settings: options.settings ?? (z.object({}) as unknown as S), create: options.create };
}

function configObject(config: string | Record<string, unknown>): Record<string, unknown> {
  return typeof config === 'string'
    ? parseToml(config)
    : structuredClone<Record<string, unknown>>(config);
}

function table(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = raw[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function namespaceOf(topic: unknown): string | undefined {
  return typeof topic === 'string' && TOPIC_PATTERN.test(topic) ? topic.split('/')[1] : undefined;
}

function namespacesOf(
  raw: Record<string, unknown>,
  options: ConformanceOptions<SettingsSchema>,
): Set<string> {
  const names = new Set(['default', ...(options.namespaces ?? [])]);
  const topics: unknown[] = [
    ...(options.expectedTopics ?? []),
    table(raw, 'processing').dead_letter_topic,
  ];
  const schemas = raw.schemas;
  if (Array.isArray(schemas))
    for (const s of schemas) topics.push((s as { topic?: unknown }).topic);
  for (const topic of topics) {
    const ns = namespaceOf(topic);
    if (ns !== undefined) names.add(ns);
  }
  return names;
}

/** One conformance check: the broker, the recorder, two rounds and the verdicts. */
class ConformanceRun<S extends SettingsSchema> {
  readonly #options: ConformanceOptions<S>;
  readonly #settings: S;
  readonly #create: (config: LoadedConfig<S>) => SourceConnector | Promise<SourceConnector>;
  readonly #broker: EmbeddedBroker;
  readonly #config: LoadedConfig<S>;
  readonly #recorder: ConnectorRecorder;
  readonly #stored: StoredMessage[] = [];
  readonly #storedTopics = new Map<string, string[]>();
  readonly #fingerprints: Fingerprints;
  readonly #timeouts: Required<ConformanceTimeouts>;
  readonly #records: number;
  readonly #rounds: RoundState[] = [];
  #emitted = 0;
  #name = 'connector';

  constructor(
    options: ConformanceOptions<S>,
    settings: S,
    create: (config: LoadedConfig<S>) => SourceConnector | Promise<SourceConnector>,
    raw: Record<string, unknown>,
    broker: EmbeddedBroker,
  ) {
    this.#options = options;
    this.#settings = settings;
    this.#create = create;
    this.#broker = broker;
    this.#timeouts = {
      startMs: options.timeouts?.startMs ?? DEFAULT_TIMEOUT_MS,
      deliveryMs: options.timeouts?.deliveryMs ?? DEFAULT_TIMEOUT_MS,
      shutdownMs: options.timeouts?.shutdownMs ?? DEFAULT_TIMEOUT_MS,
    };
    this.#records = options.records ?? 10;
    this.#config = this.#loadConfig(raw);
    this.#fingerprints = new Fingerprints(
      this.#config.core.schemas.filter((s) => s.wire_format === 'binary').map((s) => s.topic),
    );
    this.#recorder = new ConnectorRecorder(this.#fingerprints, (configs) =>
      this.#createNamespaces(configs),
    );
    broker.on('message', (message) => {
      this.#stored.push(message);
      const fp = this.#fingerprints.ofStored(message);
      this.#storedTopics.set(fp, [...(this.#storedTopics.get(fp) ?? []), message.topic]);
      this.#recorder.stored(message);
    });
  }

  async run(startedAt: number): Promise<ConformanceReport> {
    const first = await this.#round(1, false);
    if (first.failure === undefined || first.failure.property !== 'lifecycle-order') {
      if (this.#options.emitWhileStopped === true) await this.#emit(2);
      await this.#round(2, this.#options.emitWhileStopped === true);
    }
    return this.#report(startedAt);
  }

  #loadConfig(raw: Record<string, unknown>): LoadedConfig<S> {
    const processing = table(raw, 'processing');
    const shutdown = processing.shutdown_timeout_ms;
    const patched: Record<string, unknown> = {
      ...raw,
      danube_service_url: this.#broker.url,
      processing: {
        ...processing,
        metrics_port: 0,
        log_level: this.#options.logLevel ?? 'silent',
        health_check_interval_ms: HEALTH_INTERVAL_MS,
        shutdown_timeout_ms: Math.min(
          typeof shutdown === 'number' ? shutdown : this.#timeouts.shutdownMs,
          this.#timeouts.shutdownMs,
        ),
      },
    };
    return parseConfig(stringifyToml(patched), this.#settings, {
      file: 'conformance config',
      ...(this.#options.configDir === undefined ? {} : { configDir: this.#options.configDir }),
      env: { ...(this.#options.env ?? process.env), DANUBE_SERVICE_URL: this.#broker.url },
      warn: () => undefined,
    });
  }

  #createNamespaces(configs: unknown): void {
    if (!Array.isArray(configs)) return;
    for (const config of configs as Array<{ topic?: unknown }>) {
      const ns = namespaceOf(config?.topic);
      if (ns !== undefined) this.#broker.createNamespace(ns);
    }
  }

  async #emit(round: number): Promise<void> {
    const count = this.#records;
    await this.#options.emit(count, {
      round,
      brokerUrl: this.#broker.url,
      emittedBefore: this.#emitted,
    });
    this.#emitted += count;
  }

  async #round(round: number, alreadyEmitted: boolean): Promise<RoundState> {
    const recorder = this.#recorder;
    recorder.round = round;
    const connector = await this.#create(this.#config);
    const mode = safeMode(connector);
    const state: RoundState = {
      round,
      emitted: alreadyEmitted ? this.#records : 0,
      outcome: undefined,
      failure: undefined,
      mode,
      hasCommit: typeof connector.commit === 'function',
      hasShutdown: typeof connector.shutdown === 'function',
      hasHealthCheck: typeof connector.healthCheck === 'function',
      health: undefined,
      policyDropped: 0,
      lastError: undefined,
    };
    if (round === 1) this.#name = connector.constructor.name || 'connector';
    this.#rounds.push(state);
    const runtime = new SourceRuntime(recorder.wrap(connector), this.#config.core, { http: false });
    const stop = new AbortController();
    const running = runtime.run({ signal: stop.signal, handleSignals: false }).then(
      () => {
        state.outcome = { status: 'resolved' };
        recorder.emit('change');
      },
      (error: unknown) => {
        state.outcome = {
          status: 'rejected',
          error: error instanceof Error ? error : new Error(String(error)),
        };
        recorder.emit('change');
      },
    );
    try {
      const intake = await this.#waitFor(
        () =>
          recorder.started(round, 'poll').length > 0 ||
          recorder.started(round, 'startStreaming').length > 0,
        this.#timeouts.startMs,
        state,
      );
      if (intake !== 'ok') {
        state.failure = {
          property: 'lifecycle-order',
          detail:
            intake === 'ended'
              ? `run() ended before poll/startStreaming: ${describeOutcome(state.outcome)}`
              : `poll/startStreaming not called within ${this.#timeouts.startMs} ms of run()`,
        };
        return state;
      }
      if (!alreadyEmitted) {
        await this.#emit(round);
        state.emitted = this.#records;
      }
      const delivered = await this.#waitFor(
        () => this.#deliveredAll(round, state.emitted),
        this.#timeouts.deliveryMs,
        state,
      );
      if (delivered !== 'ok') {
        const handed = recorder.expected(round);
        const stored = handed.filter((h) => recorder.isStored(h)).length;
        state.failure = {
          property: 'records-arrive',
          detail:
            delivered === 'ended'
              ? `run() ended while waiting for ${state.emitted} records: ${describeOutcome(state.outcome)}`
              : `within ${this.#timeouts.deliveryMs} ms of emit(${state.emitted}): ${handed.length} record(s) handed over, ${stored} stored by the broker`,
          ...firstMissing(
            handed,
            (h) => recorder.isStored(h) || droppedByPolicy(h),
            (h) => this.#explainMissing(h),
          ),
        };
      }
      if (round === 1 && state.hasHealthCheck && state.outcome === undefined) {
        state.health = await this.#checkHealth(runtime, state);
      }
    } finally {
      stop.abort();
      const stopped = await this.#waitFor(
        () => state.outcome !== undefined,
        this.#timeouts.shutdownMs + 5_000,
        state,
      );
      if (stopped === 'timeout') {
        state.failure ??= {
          property: 'shutdown-drains',
          detail: `run() did not settle within ${this.#timeouts.shutdownMs} ms of the stop signal`,
        };
      }
      await Promise.race([running, new Promise<void>((resolve) => setImmediate(resolve))]);
      const snapshot = runtime.state.snapshot();
      state.policyDropped = snapshot.totals.skipped + snapshot.totals.deadLettered;
      state.lastError = snapshot.lastError?.message;
    }
    return state;
  }

  #deliveredAll(round: number, emitted: number): boolean {
    const handed = this.#recorder.expected(round);
    return (
      handed.length >= emitted &&
      handed.every((h) => this.#recorder.isStored(h) || droppedByPolicy(h))
    );
  }

  /**
   * Waits until `predicate` holds (re-checked on every recorder change), the round's
   * `run()` settled (`'ended'`), or `timeoutMs` passed.
   */
  #waitFor(
    predicate: () => boolean,
    timeoutMs: number,
    state: RoundState,
  ): Promise<'ok' | 'ended' | 'timeout'> {
    const verdict = (): 'ok' | 'ended' | undefined =>
      predicate() ? 'ok' : state.outcome !== undefined ? 'ended' : undefined;
    const now = verdict();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const onChange = (): void => {
        const v = verdict();
        if (v === undefined) return;
        cleanup();
        resolve(v);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(predicate() ? 'ok' : 'timeout');
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#recorder.off('change', onChange);
      };
      this.#recorder.on('change', onChange);
    });
  }

  async #checkHealth(runtime: SourceRuntime, state: RoundState): Promise<PropertyResult> {
    const recorder = this.#recorder;
    const round = state.round;
    const threshold = this.#config.core.processing.health_check_failure_threshold;
    const budget = HEALTH_INTERVAL_MS * (threshold + 4) + 2_000;
    const called = await this.#waitFor(
      () => recorder.started(round, 'healthCheck').length > 0,
      budget,
      state,
    );
    if (called !== 'ok') {
      return {
        property: 'health-checks',
        status: 'failed',
        detail: `healthCheck() was not called within ${budget} ms (health_check_interval_ms forced to ${HEALTH_INTERVAL_MS})`,
      };
    }
    const hooks = this.#options.health;
    if (hooks === undefined) {
      return {
        property: 'health-checks',
        status: 'passed',
        detail:
          'healthCheck() called periodically (pass `health` hooks to also check unhealthy → healthy)',
      };
    }
    await hooks.makeUnhealthy();
    const down = await this.#waitFor(() => !runtime.state.healthy, budget, state);
    await hooks.makeHealthy();
    if (down !== 'ok') {
      return {
        property: 'health-checks',
        status: 'failed',
        detail: `after makeUnhealthy() the runtime still reported the connector healthy ${budget} ms later (threshold ${threshold})`,
        example: lastHealthCalls(recorder.calls, round),
      };
    }
    const up = await this.#waitFor(() => runtime.state.healthy, budget, state);
    if (up !== 'ok') {
      return {
        property: 'health-checks',
        status: 'failed',
        detail: `after makeHealthy() the runtime did not report the connector healthy again within ${budget} ms`,
        example: lastHealthCalls(recorder.calls, round),
      };
    }
    return {
      property: 'health-checks',
      status: 'passed',
      detail: `healthCheck() called periodically; unhealthy after ${threshold} failure(s), healthy again after a pass`,
    };
  }

  #explainMissing(entry: HandOver): string {
    const { record } = entry;
    let bytes: Buffer | undefined;
    try {
      bytes = encodeWithoutSchema(record.payload, record.topic);
    } catch (error) {
      return `${describeHandOver(entry)}: its payload cannot be serialized (${error instanceof Error ? error.message : String(error)})`;
    }
    const sameTopic = this.#stored.filter((m) => baseTopic(m.topic) === record.topic);
    const samePayload = sameTopic.find((m) => m.payload.equals(bytes));
    if (samePayload === undefined) {
      return `${describeHandOver(entry)} with payload ${preview(bytes)} was not stored (${sameTopic.length} message(s) on ${record.topic})`;
    }
    const differences: string[] = [];
    if (samePayload.key !== record.key) {
      differences.push(
        `key ${JSON.stringify(samePayload.key ?? null)} instead of ${JSON.stringify(record.key ?? null)}`,
      );
    }
    if (
      JSON.stringify(sortKeys(samePayload.attributes)) !==
      JSON.stringify(sortKeys(record.attributes))
    ) {
      differences.push(
        `attributes ${JSON.stringify(sortKeys(samePayload.attributes))} instead of ${JSON.stringify(sortKeys(record.attributes))}`,
      );
    }
    return `${describeHandOver(entry)} arrived with ${differences.join(' and ') || 'different metadata'}`;
  }

  #report(startedAt: number): ConformanceReport {
    const declared = this.#declared();
    const results = new Map<ConformanceProperty, PropertyResult>();
    const skip = new Set(this.#options.skip ?? []);
    const set = (result: PropertyResult): void => {
      if (!results.has(result.property) || results.get(result.property)?.status !== 'failed') {
        results.set(result.property, result);
      }
    };
    for (const state of this.#rounds) {
      if (state.failure !== undefined) {
        const property =
          state.round === 2 && state.failure.property === 'records-arrive'
            ? 'restart-resumes'
            : state.failure.property;
        set({
          property,
          status: 'failed',
          detail: `round ${state.round}: ${state.failure.detail}`,
          ...(state.failure.example === undefined ? {} : { example: state.failure.example }),
        });
      }
      if (state.health !== undefined) set(state.health);
    }
    set(this.#lifecycleResult());
    set(this.#producerConfigResult(declared));
    const started =
      this.#recorder.started(1, 'poll').length +
        this.#recorder.started(1, 'startStreaming').length >
      0;
    if (started) {
      set(this.#recordsResult(declared));
      set(this.#offsetsResult());
      set(this.#shutdownResult());
      set(this.#restartResult());
    }
    const first = this.#rounds[0];
    if (!results.has('health-checks')) {
      set({
        property: 'health-checks',
        status: 'skipped',
        detail:
          first?.hasHealthCheck === false ? 'the connector has no healthCheck()' : 'not reached',
      });
    }
    const properties = CONFORMANCE_PROPERTIES.map((property): PropertyResult => {
      const result = results.get(property) ?? {
        property,
        status: 'skipped',
        detail: started ? 'not reached' : 'not reached: the connector did not start',
      };
      return skip.has(property)
        ? {
            property,
            status: 'skipped',
            detail: `skipped by request (${result.status}: ${result.detail})`,
          }
        : result;
    });
    return {
      connector: this.#name,
      mode: first?.mode ?? 'unknown',
      topics: [...declared.keys()],
      rounds: this.#rounds.map((state) => this.#roundReport(state)),
      properties,
      durationMs: Math.round(performance.now() - startedAt),
    };
  }

  #declared(): Map<string, ProducerConfig> {
    const value = this.#recorder.producerConfigs.get(1);
    const declared = new Map<string, ProducerConfig>();
    if (!Array.isArray(value)) return declared;
    for (const config of value as ProducerConfig[]) {
      if (config !== null && typeof config === 'object' && typeof config.topic === 'string')
        declared.set(config.topic, config);
    }
    return declared;
  }

  #roundReport(state: RoundState): RoundReport {
    const handed = this.#recorder.expected(state.round);
    const lastCommitted: Record<string, string> = {};
    for (const commit of this.#recorder.commits.filter((c) => c.round === state.round)) {
      for (const offset of commit.offsets) lastCommitted[offset.partition] = String(offset.value);
    }
    return {
      round: state.round,
      emitted: state.emitted,
      handedOver: handed.length,
      stored: handed.filter((h) => this.#recorder.isStored(h)).length,
      commits: this.#recorder.commits.filter((c) => c.round === state.round).length,
      lastCommitted,
      outcome:
        state.outcome === undefined
          ? 'rejected: did not stop'
          : state.outcome.status === 'resolved'
            ? 'resolved'
            : `rejected: ${state.outcome.error.message}`,
    };
  }

  #lifecycleResult(): PropertyResult {
    for (const state of this.#rounds) {
      const problem = lifecycleProblem(
        this.#recorder.calls.filter((c) => c.round === state.round),
        state,
      );
      if (problem !== undefined) {
        return {
          property: 'lifecycle-order',
          status: 'failed',
          detail: `round ${state.round}: ${problem.detail}`,
          example: problem.example,
        };
      }
    }
    const outcome = this.#rounds.find((s) => s.outcome?.status === 'rejected')?.outcome;
    if (outcome !== undefined && outcome.status === 'rejected') {
      return {
        property: 'lifecycle-order',
        status: 'failed',
        detail: `run() rejected: ${outcome.error.message}`,
      };
    }
    const intake = this.#rounds[0]?.mode === 'streaming' ? 'startStreaming' : 'poll';
    return {
      property: 'lifecycle-order',
      status: 'passed',
      detail: `initialize → producerConfigs → ${intake} → shutdown in ${this.#rounds.length} round(s)`,
    };
  }

  #producerConfigResult(declared: Map<string, ProducerConfig>): PropertyResult {
    const value = this.#recorder.producerConfigs.get(1);
    if (value === undefined)
      return {
        property: 'producer-configs',
        status: 'skipped',
        detail: 'producerConfigs() was not reached',
      };
    try {
      validateProducerConfigs(value as ProducerConfig[]);
    } catch (error) {
      return {
        property: 'producer-configs',
        status: 'failed',
        detail: error instanceof Error ? error.message : String(error),
        example: JSON.stringify(value),
      };
    }
    const badName = [...declared.keys()].find((topic) => !TOPIC_PATTERN.test(topic));
    if (badName !== undefined) {
      return {
        property: 'producer-configs',
        status: 'failed',
        detail: `topic ${JSON.stringify(badName)} is not /namespace/name of letters, digits, "_" and "-" (the broker refuses it)`,
      };
    }
    const missing = (this.#options.expectedTopics ?? []).filter((t) => !declared.has(t));
    if (missing.length > 0) {
      return {
        property: 'producer-configs',
        status: 'failed',
        detail: `expected topic(s) ${missing.join(', ')} not declared by producerConfigs() (declared: ${[...declared.keys()].join(', ') || 'none'})`,
      };
    }
    const stray = this.#recorder.handOvers.find((h) => !declared.has(h.record.topic));
    if (stray !== undefined) {
      return {
        property: 'producer-configs',
        status: 'failed',
        detail: `a record was handed over for ${stray.record.topic}, which producerConfigs() does not declare`,
        example: describeHandOver(stray),
      };
    }
    const summary = [...declared.values()].map(
      (c) =>
        `${c.topic} (${c.partitions} partition(s), ${c.reliableDispatch ? 'reliable' : 'non-reliable'})`,
    );
    return {
      property: 'producer-configs',
      status: 'passed',
      detail: summary.join(', ') || 'no topics',
    };
  }

  #recordsResult(declared: Map<string, ProducerConfig>): PropertyResult {
    const handed = this.#recorder.handOvers.filter((h) => h.accepted !== false && h.round === 1);
    const missing = handed.find((h) => !this.#recorder.isStored(h) && !droppedByPolicy(h));
    if (missing !== undefined) {
      return {
        property: 'records-arrive',
        status: 'failed',
        detail: `${handed.filter((h) => !this.#recorder.isStored(h)).length} of ${handed.length} handed-over record(s) not stored with their key and attributes`,
        example: this.#explainMissing(missing),
      };
    }
    const droppedRound = this.#rounds.find((r) => r.policyDropped > 0);
    const droppedEntry = this.#recorder.handOvers.find(droppedByPolicy);
    if (droppedRound !== undefined || droppedEntry !== undefined) {
      const result = droppedEntry?.result;
      const reason =
        result !== undefined && !(result instanceof Error) && result.status !== 'published'
          ? result.error.message
          : droppedRound?.lastError;
      const count = this.#rounds.reduce((sum, r) => sum + r.policyDropped, 0);
      return {
        property: 'records-arrive',
        status: 'failed',
        detail: `${count} record(s) were not published: processing.failure_policy = "${this.#config.core.processing.failure_policy}" dropped them`,
        ...(reason === undefined
          ? {}
          : {
              example: `${droppedEntry === undefined ? 'last error' : describeHandOver(droppedEntry)}: ${reason}`,
            }),
      };
    }
    for (const entry of handed) {
      const config = declared.get(entry.record.topic);
      if (config === undefined || config.partitions === 0 || entry.record.key === undefined)
        continue;
      const expected = partitionTopicName(
        entry.record.topic,
        partitionForKey(entry.record.key, config.partitions),
      );
      const topics = this.#storedTopics.get(entry.fingerprint) ?? [];
      if (!topics.includes(expected)) {
        return {
          property: 'records-arrive',
          status: 'failed',
          detail: `a keyed record did not land on the partition its key routes to (${expected})`,
          example: `${describeHandOver(entry)} stored on ${topics.join(', ')}`,
        };
      }
    }
    const dropped = handed.filter(droppedByPolicy).length;
    const withKey = handed.filter((h) => h.record.key !== undefined).length;
    const withAttributes = handed.filter((h) => Object.keys(h.record.attributes).length > 0).length;
    return {
      property: 'records-arrive',
      status: handed.length === 0 ? 'failed' : 'passed',
      detail:
        handed.length === 0
          ? 'no record was handed over'
          : `${handed.length - dropped} record(s) stored (${withKey} with key, ${withAttributes} with attributes)${dropped > 0 ? `, ${dropped} dropped by the failure policy` : ''}`,
    };
  }

  #offsetsResult(): PropertyResult {
    const bad = this.#recorder.commits.find((c) => c.problems.length > 0);
    if (bad !== undefined) {
      return {
        property: 'offsets-after-publish',
        status: 'failed',
        detail: `round ${bad.round}: ${bad.problems[0] ?? ''}`,
        example: `commit([${bad.offsets.map(String).join(', ')}])`,
      };
    }
    const commits = this.#recorder.commits.length;
    const withOffsets = this.#recorder.handOvers.filter((h) => h.offset !== undefined).length;
    if (!this.#rounds.some((s) => s.hasCommit)) {
      return {
        property: 'offsets-after-publish',
        status: 'skipped',
        detail: 'the connector has no commit()',
      };
    }
    if (withOffsets === 0) {
      return {
        property: 'offsets-after-publish',
        status: 'skipped',
        detail: 'no record carried an offset',
      };
    }
    return {
      property: 'offsets-after-publish',
      status: 'passed',
      detail: `${commits} commit(s), each covering only published records, contiguous in hand-over order`,
    };
  }

  #shutdownResult(): PropertyResult {
    for (const state of this.#rounds) {
      if (state.outcome === undefined) {
        return {
          property: 'shutdown-drains',
          status: 'failed',
          detail: `round ${state.round}: run() did not settle after the stop signal`,
        };
      }
      const handed = this.#recorder.expected(state.round);
      const unpublished = handed.find((h) => !this.#recorder.isStored(h) && !droppedByPolicy(h));
      if (unpublished !== undefined && state.outcome.status === 'resolved') {
        return {
          property: 'shutdown-drains',
          status: 'failed',
          detail: `round ${state.round}: run() resolved with ${handed.filter((h) => !this.#recorder.isStored(h)).length} handed-over record(s) not published`,
          example: describeHandOver(unpublished),
        };
      }
      if (state.hasCommit && state.outcome.status === 'resolved') {
        const uncommitted = handed.find((h) => h.offset !== undefined && !h.committed);
        if (uncommitted !== undefined) {
          return {
            property: 'shutdown-drains',
            status: 'failed',
            detail: `round ${state.round}: after a graceful stop, offsets of published records were not committed`,
            example: describeHandOver(uncommitted),
          };
        }
      }
      const shutdowns = this.#recorder.started(state.round, 'shutdown').length;
      if (state.hasShutdown && shutdowns !== 1) {
        return {
          property: 'shutdown-drains',
          status: 'failed',
          detail: `round ${state.round}: shutdown() called ${shutdowns} times (expected once)`,
        };
      }
    }
    return {
      property: 'shutdown-drains',
      status: 'passed',
      detail:
        'after the stop signal every handed-over record was published and committed, then shutdown() ran once',
    };
  }

  #restartResult(): PropertyResult {
    const second = this.#rounds[1];
    if (second === undefined)
      return { property: 'restart-resumes', status: 'skipped', detail: 'not reached' };
    const committedBefore = new Set(
      this.#recorder.handOvers
        .filter((h) => h.round === 1 && h.committed)
        .map((h) => h.fingerprint),
    );
    const again = this.#recorder.expected(2).find((h) => committedBefore.has(h.fingerprint));
    if (again !== undefined) {
      return {
        property: 'restart-resumes',
        status: 'failed',
        detail: `after the restart the connector handed over a record already committed before it (it did not resume from its committed offset)`,
        example: describeHandOver(again),
      };
    }
    const handed = this.#recorder.expected(2);
    const missing = handed.find((h) => !this.#recorder.isStored(h) && !droppedByPolicy(h));
    if (missing !== undefined || handed.length < second.emitted) {
      return {
        property: 'restart-resumes',
        status: 'failed',
        detail: `after the restart ${handed.filter((h) => this.#recorder.isStored(h)).length} of ${second.emitted} new record(s) arrived`,
        ...(missing === undefined ? {} : { example: this.#explainMissing(missing) }),
      };
    }
    return {
      property: 'restart-resumes',
      status: 'passed',
      detail: `a fresh instance delivered ${handed.length} record(s)${this.#options.emitWhileStopped === true ? ' emitted while it was stopped' : ''} and re-read none already committed`,
    };
  }
}

function safeMode(connector: SourceConnector): RoundState['mode'] {
  try {
    const mode = connector.mode();
    return mode === 'polling' || mode === 'streaming' ? mode : 'unknown';
  } catch {
    return 'unknown';
  }
}

function describeOutcome(outcome: Outcome | undefined): string {
  if (outcome === undefined) return 'still running';
  return outcome.status === 'resolved' ? 'resolved' : `rejected with ${outcome.error.message}`;
}

function firstMissing(
  handed: HandOver[],
  arrived: (h: HandOver) => boolean,
  explain: (h: HandOver) => string,
): { example?: string } {
  const missing = handed.find((h) => !arrived(h));
  return missing === undefined ? {} : { example: explain(missing) };
}

function preview(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function sortKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function lastHealthCalls(calls: readonly CallEvent[], round: number): string {
  const ends = calls
    .filter((c) => c.round === round && c.call === 'healthCheck' && c.phase === 'end')
    .slice(-4);
  return ends.map((c) => (c.error === undefined ? 'ok' : `threw "${c.error}"`)).join(', ');
}

/** The first lifecycle-order problem of one round, if any. */
function lifecycleProblem(
  calls: readonly CallEvent[],
  state: RoundState,
): { detail: string; example: string } | undefined {
  const trace = (upTo: number): string =>
    calls
      .slice(Math.max(0, upTo - 6), upTo + 1)
      .map((c) => `${c.call}:${c.phase}`)
      .join(' → ');
  const open = new Map<LifecycleCall, number>();
  const ended = new Set<LifecycleCall>();
  let shutdownStarted = false;
  let intakeStarted = false;
  const intake: LifecycleCall = state.mode === 'streaming' ? 'startStreaming' : 'poll';
  const wrongIntake: LifecycleCall = state.mode === 'streaming' ? 'poll' : 'startStreaming';
  for (const [i, event] of calls.entries()) {
    const fail = (detail: string): { detail: string; example: string } => ({
      detail,
      example: trace(i),
    });
    if (event.phase === 'end') {
      open.set(event.call, (open.get(event.call) ?? 1) - 1);
      ended.add(event.call);
      continue;
    }
    if (i === 0 && event.call !== 'initialize')
      return fail(`${event.call}() was called before initialize()`);
    if (shutdownStarted) return fail(`${event.call}() was called after shutdown()`);
    const running = open.get(event.call) ?? 0;
    switch (event.call) {
      case 'initialize':
        if (i !== 0) return fail('initialize() was called more than once');
        break;
      case 'producerConfigs':
        if (!ended.has('initialize'))
          return fail('producerConfigs() was called before initialize() finished');
        break;
      case 'poll':
      case 'startStreaming':
        if (event.call === wrongIntake)
          return fail(`${event.call}() was called although mode() is '${state.mode}'`);
        if (!ended.has('producerConfigs'))
          return fail(`${event.call}() was called before producerConfigs() finished`);
        if (running > 0)
          return fail(`${event.call}() was called while the previous call had not finished`);
        intakeStarted = true;
        break;
      case 'commit':
        if (!intakeStarted) return fail(`commit() was called before ${intake}()`);
        if (running > 0)
          return fail('commit() was called while the previous commit had not finished');
        break;
      case 'healthCheck':
        if (!ended.has('initialize'))
          return fail('healthCheck() was called before initialize() finished');
        if (running > 0)
          return fail('healthCheck() was called while the previous check had not finished');
        break;
      case 'shutdown':
        shutdownStarted = true;
        break;
    }
    open.set(event.call, running + 1);
  }
  if (calls.length === 0)
    return { detail: 'the runtime called no connector method', example: '(none)' };
  return undefined;
}
