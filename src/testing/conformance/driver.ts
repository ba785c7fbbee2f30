import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { z } from 'zod';
import { TOPIC_PATTERN } from '../../config/core-schema.js';
import { parseConfig, type LoadedConfig, type SettingsSchema } from '../../config/parse.js';
import type { SourceConnector } from '../../connector/source-connector.js';
import { SourceRuntime } from '../../runtime/source-runtime.js';
import { startBroker, type EmbeddedBroker } from '../broker/server.js';
import {
  droppedByPolicy,
  explainMissing,
  type CallEvent,
  type Evidence,
  type HandOver,
  type HealthEvidence,
  type RoundEvidence,
  type RunOutcome,
} from './evidence.js';
import { Fingerprints } from './fingerprint.js';
import type { ConformanceOptions, ConformanceTimeouts } from './options.js';
import { ConnectorRecorder } from './recorder.js';
import { asError, DanubeConnectError } from '../../errors.js';

type CreateConnector<S extends SettingsSchema> = (
  config: LoadedConfig<S>,
) => SourceConnector | Promise<SourceConnector>;

const DEFAULT_TIMEOUT_MS = 30_000;
const HEALTH_INTERVAL_MS = 50;
/** Outer bound of each health wait: only reached when `healthCheck()` is no longer called. */
const HEALTH_WAIT_MS = 30_000;

/**
 * Runs a connector for a conformance check and records what happened: starts an embedded
 * broker (with the namespaces of the configured and declared topics), runs the connector
 * twice through the real `SourceRuntime`, emits records, waits for them, probes its health
 * and stops it. Judges nothing: the verdicts read the {@link Evidence} it returns.
 */
export async function driveConformanceRounds<S extends SettingsSchema>(
  options: ConformanceOptions<S>,
): Promise<Evidence> {
  const { settings, create } = factory(options);
  const raw = configObject(options.config);
  const broker = await startBroker({ namespaces: [...namespacesOf(raw, options)] });
  try {
    return await new ConformanceDriver(options, settings, create, raw, broker).run();
  } finally {
    await broker.close();
  }
}

function factory<S extends SettingsSchema>(
  options: ConformanceOptions<S>,
): { settings: S; create: CreateConnector<S> } {
  if (options.module !== undefined) {
    return {
      settings: options.module.settings,
      create: (config) => options.module!.create(config),
    };
  }
  if (options.create === undefined) {
    throw new DanubeConnectError(
      'usage',
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

/** One conformance run: the broker, the recorder and two rounds. */
class ConformanceDriver<S extends SettingsSchema> {
  readonly #options: ConformanceOptions<S>;
  readonly #settings: S;
  readonly #create: CreateConnector<S>;
  readonly #broker: EmbeddedBroker;
  readonly #config: LoadedConfig<S>;
  readonly #recorder: ConnectorRecorder;
  readonly #timeouts: Required<ConformanceTimeouts>;
  readonly #records: number;
  readonly #rounds: RoundEvidence[] = [];
  #emitted = 0;
  #name = 'connector';

  constructor(
    options: ConformanceOptions<S>,
    settings: S,
    create: CreateConnector<S>,
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
    const fingerprints = new Fingerprints(
      this.#config.core.schemas.filter((s) => s.wire_format === 'binary').map((s) => s.topic),
    );
    this.#recorder = new ConnectorRecorder(fingerprints, (configs) =>
      this.#createNamespaces(configs),
    );
    broker.on('message', (message) => this.#recorder.onStored(message));
  }

  async run(): Promise<Evidence> {
    const first = await this.#round(1, false);
    if (first.failure === undefined || first.failure.property !== 'lifecycle-order') {
      if (this.#options.emitWhileStopped === true) await this.#emit(2);
      await this.#round(2, this.#options.emitWhileStopped === true);
    }
    const recorder = this.#recorder;
    return {
      connector: this.#name,
      rounds: this.#rounds,
      calls: recorder.calls,
      handOvers: recorder.handOvers,
      commits: recorder.commits,
      producerConfigs: recorder.producerConfigs.get(1),
      stored: recorder.stored,
      storedTopics: recorder.storedTopics,
      expectedTopics: this.#options.expectedTopics ?? [],
      failurePolicy: this.#config.core.processing.failure_policy,
      emitWhileStopped: this.#options.emitWhileStopped === true,
    };
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

  async #round(round: number, alreadyEmitted: boolean): Promise<RoundEvidence> {
    const recorder = this.#recorder;
    recorder.round = round;
    const connector = await this.#create(this.#config);
    const state: RoundEvidence = {
      round,
      emitted: alreadyEmitted ? this.#records : 0,
      outcome: undefined,
      failure: undefined,
      mode: safeMode(connector),
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
          error: asError(error),
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
            (h) => explainMissing(recorder.stored, h),
          ),
        };
      }
      if (round === 1 && state.hasHealthCheck && state.outcome === undefined) {
        state.health = await this.#probeHealth(runtime, state);
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
    state: RoundEvidence,
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

  /**
   * Turns the connector's health bad and good through the hooks, noting what the runtime
   * reports. Each step waits for a number of completed checks, not for a time: a loaded
   * machine delays the checks but not the verdict. The time bound only ends a wait when
   * the checks stopped altogether.
   */
  async #probeHealth(runtime: SourceRuntime, state: RoundEvidence): Promise<HealthEvidence> {
    const recorder = this.#recorder;
    const round = state.round;
    const threshold = this.#config.core.processing.health_check_failure_threshold;
    const hooks = this.#options.health;
    const checksEnded = (): number =>
      recorder.calls.filter(
        (c) => c.round === round && c.call === 'healthCheck' && c.phase === 'end',
      ).length;
    // Two more than the threshold: the check running when the hook was called may still
    // pass, and the runtime takes in a check's result only after the check ended.
    const checks = threshold + 2;
    const within = async (reached: () => boolean): Promise<boolean> => {
      const from = checksEnded();
      await this.#waitFor(() => reached() || checksEnded() - from >= checks, HEALTH_WAIT_MS, state);
      return reached();
    };
    const health: HealthEvidence = {
      threshold,
      intervalMs: HEALTH_INTERVAL_MS,
      waitMs: HEALTH_WAIT_MS,
      checks,
      called:
        (await this.#waitFor(
          () => recorder.started(round, 'healthCheck').length > 0,
          HEALTH_WAIT_MS,
          state,
        )) === 'ok',
      hooks: hooks !== undefined,
    };
    if (!health.called || hooks === undefined) return health;
    await hooks.makeUnhealthy();
    health.wentUnhealthy = await within(() => !runtime.state.healthy);
    await hooks.makeHealthy();
    if (!health.wentUnhealthy) {
      health.lastCalls = lastHealthCalls(recorder.calls, round);
      return health;
    }
    health.cameBack = await within(() => runtime.state.healthy);
    if (!health.cameBack) health.lastCalls = lastHealthCalls(recorder.calls, round);
    return health;
  }
}

function safeMode(connector: SourceConnector): RoundEvidence['mode'] {
  try {
    const mode = connector.mode();
    return mode === 'polling' || mode === 'streaming' ? mode : 'unknown';
  } catch {
    return 'unknown';
  }
}

function describeOutcome(outcome: RunOutcome | undefined): string {
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

function lastHealthCalls(calls: readonly CallEvent[], round: number): string {
  const ends = calls
    .filter((c) => c.round === round && c.call === 'healthCheck' && c.phase === 'end')
    .slice(-4);
  return ends.map((c) => (c.error === undefined ? 'ok' : `threw "${c.error}"`)).join(', ');
}
