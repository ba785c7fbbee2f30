import { fileURLToPath } from 'node:url';
import { partitionTopicName } from '../../../src/client/routing.js';
import { SourceRuntime } from '../../../src/runtime/source-runtime.js';
import type { Clock } from '../../../src/runtime/clock.js';
import { startBroker, type EmbeddedBroker } from '../../../src/testing/broker/server.js';
import type { BrokerOptions, StoredMessage } from '../../../src/testing/broker/types.js';
import {
  testCoreConfig,
  type CoreConfig,
  type CoreConfigInput,
} from '../../../src/testing/harness/core-config.js';
import { auditDelivery, CommitAuditor, storedSeqs, type DeliveryAudit } from './audit.js';
import { seqOf } from './sequence.js';
import {
  PollingProofConnector,
  StreamingProofConnector,
  type ProofConnectorOptions,
} from './connectors.js';

/** Folder of the proof fixtures (schema files). */
export const PROOF_FIXTURES = fileURLToPath(new URL('../../fixtures/proof/', import.meta.url));

/** How a run ended. */
export type RunOutcome = { status: 'resolved' } | { status: 'rejected'; error: Error };

/** Everything one proof scenario needs. */
export interface ScenarioOptions {
  /** Topic name part: `/proof/<name>`. */
  name: string;
  mode: 'polling' | 'streaming';
  total: number;
  partitions: number;
  keys: number;
  batch?: number;
  /** Records available at start; the rest wait for `release`. */
  available?: number;
  /** Overrides of the proof defaults (small timeouts, silent logs). */
  core?: CoreConfigInput;
  clock?: Clock;
  broker?: BrokerOptions;
  /** Validate the topic with `test/fixtures/proof/event.schema.json` (auto-registered). */
  schema?: boolean;
  connector?: Partial<ProofConnectorOptions>;
  /** Exempt from the commit-ahead check (records the policy dropped on purpose). */
  exempt?: (seq: number) => boolean;
}

function mergeCore(topic: string, options: ScenarioOptions, brokerUrl: string): CoreConfig {
  const over = options.core ?? {};
  return testCoreConfig({
    danube_service_url: brokerUrl,
    connector_name: `proof-${options.name}`,
    config_dir: PROOF_FIXTURES,
    processing: {
      log_level: 'silent',
      batch_size: 50,
      batch_timeout_ms: 20,
      poll_interval_ms: 5,
      buffer_size: 1000,
      shutdown_timeout_ms: 5000,
      health_check_interval_ms: 60_000,
      ...over.processing,
    },
    retry: {
      max_retries: 3,
      retry_backoff_ms: 2,
      max_backoff_ms: 20,
      publish_timeout_ms: 5000,
      ...over.retry,
    },
    danube: { connect_timeout_ms: 2000, request_timeout_ms: 2000, ...over.danube },
    schemas:
      over.schemas ??
      (options.schema
        ? [
            {
              topic,
              subject: 'proof-event',
              schema_type: 'json_schema',
              schema_file: 'event.schema.json',
              auto_register: true,
            },
          ]
        : []),
  });
}

/**
 * One proof run: a fresh embedded broker, a proof connector (polling or streaming) over
 * numbered records, the runtime, and a commit auditor that checks every commit against
 * what the broker holds at that moment.
 */
export class Scenario {
  readonly broker: EmbeddedBroker;
  readonly topic: string;
  readonly connector: PollingProofConnector | StreamingProofConnector;
  readonly runtime: SourceRuntime;
  readonly auditor: CommitAuditor;
  readonly outcome: Promise<RunOutcome>;
  readonly core: CoreConfig;
  readonly #stop = new AbortController();
  readonly #partitions: number;
  readonly #everStored = new Set<number>();

  private constructor(broker: EmbeddedBroker, options: ScenarioOptions) {
    this.broker = broker;
    this.topic = `/proof/${options.name}`;
    this.#partitions = options.partitions;
    const topics = new Set(this.partitionTopics());
    broker.on('message', (message) => {
      if (topics.has(message.topic)) this.#everStored.add(seqOf(message.payload));
    });
    // A record counts as published once the broker stored it, even if a restart that
    // loses data removes it later (that loss is the broker's, not the runtime's).
    this.auditor = new CommitAuditor({
      storedSeqs: () => this.#everStored,
      first: options.connector?.first ?? 0,
      ...(options.exempt === undefined ? {} : { exempt: options.exempt }),
    });
    const connectorOptions: ProofConnectorOptions = {
      topic: this.topic,
      total: options.total,
      partitions: options.partitions,
      keys: options.keys,
      batch: options.batch ?? 10,
      ...(options.available === undefined ? {} : { available: options.available }),
      auditCommit: this.auditor.check,
      ...options.connector,
    };
    this.connector =
      options.mode === 'polling'
        ? new PollingProofConnector(connectorOptions)
        : new StreamingProofConnector(connectorOptions);
    this.core = mergeCore(this.topic, options, broker.url);
    this.runtime = new SourceRuntime(this.connector, this.core, {
      http: false,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    this.outcome = this.runtime.run({ signal: this.#stop.signal, handleSignals: false }).then(
      (): RunOutcome => ({ status: 'resolved' }),
      (error: unknown): RunOutcome => ({
        status: 'rejected',
        error: error instanceof Error ? error : new Error(String(error)),
      }),
    );
  }

  /** Starts a broker (namespaces `default`, `proof`) and the runtime. */
  static async start(options: ScenarioOptions): Promise<Scenario> {
    const broker = await startBroker({ namespaces: ['default', 'proof'], ...options.broker });
    return new Scenario(broker, options);
  }

  /** The Danube topics messages land on. */
  partitionTopics(): string[] {
    return this.#partitions === 0
      ? [this.topic]
      : Array.from({ length: this.#partitions }, (_, i) => partitionTopicName(this.topic, i));
  }

  /** What the broker stored, per partition topic. */
  stored(): Map<string, StoredMessage[]> {
    return new Map(this.partitionTopics().map((t) => [t, this.broker.messages(t)]));
  }

  /** The seqs the broker stored (any partition). */
  storedSeqs(): Set<number> {
    return storedSeqs(this.stored());
  }

  /** Compares the stored messages with `expected` seqs. */
  audit(expected: Iterable<number>): DeliveryAudit {
    return auditDelivery(this.stored(), expected);
  }

  /**
   * Awaits `condition`, failing fast (instead of hanging until the test timeout) when
   * `run()` settles first.
   */
  until<T>(condition: Promise<T>): Promise<T> {
    const endedFirst = this.outcome.then((outcome): never => {
      throw new Error(`run() ${describeOutcome(outcome)} before the awaited condition`);
    });
    return Promise.race([condition, endedFirst]);
  }

  /** Asks the runtime to stop and waits for `run()` to settle. */
  async stop(): Promise<RunOutcome> {
    this.#stop.abort();
    return this.outcome;
  }

  /** Stops the runtime (if still running) and closes the broker. */
  async close(): Promise<void> {
    await this.stop();
    await this.broker.close();
  }
}

/** Seqs `from … to-1`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** `resolved` or `rejected: <message>`. */
export function describeOutcome(outcome: RunOutcome): string {
  return outcome.status === 'resolved' ? 'resolved' : `rejected: ${outcome.error.message}`;
}
