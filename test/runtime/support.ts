import { pino } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { DanubeClient } from '../../src/client/client.js';
import type { ReceivedMessage } from '../../src/client/consumer.js';
import type { ConnectorConfig } from '../../src/config/types.js';
import { toEnvelope, type Envelopeish } from '../../src/connector/envelope.js';
import type { Offset } from '../../src/connector/offset.js';
import type { ProducerConfig } from '../../src/connector/producer-config.js';
import type { SourceSender } from '../../src/connector/sender.js';
import { SourceConnector, type SourceMode } from '../../src/connector/source-connector.js';
import type { Logger } from '../../src/observability/logger.js';
import { SourceRuntime, type SourceRuntimeOptions } from '../../src/runtime/source-runtime.js';
import { testCoreConfig, type CoreConfigInput } from '../../src/testing/harness/core-config.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import type { BrokerOptions } from '../../src/testing/index.js';

/** A logger that prints nothing (set LOG_LEVEL=debug to see the runtime's lines). */
export function quietLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

/** A core config pointing at `broker`, fast retries, no HTTP port collisions. */
export function coreFor(broker: EmbeddedBroker, input: CoreConfigInput = {}): ConnectorConfig {
  return testCoreConfig({
    danube_service_url: broker.url,
    connector_name: 'test-conn',
    ...input,
    processing: { poll_interval_ms: 5, batch_timeout_ms: 50, ...input.processing },
    retry: { retry_backoff_ms: 5, max_backoff_ms: 50, max_retries: 3, ...input.retry },
  });
}

/** Starts an embedded broker with the namespaces the tests use. */
export function testBroker(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  return startBroker({ namespaces: ['default', 'iot'], ...options });
}

/**
 * Gives every test of the enclosing suite a fresh {@link testBroker}, closed after the test;
 * returns the accessor of the current one.
 */
export function useTestBroker(options: BrokerOptions = {}): () => EmbeddedBroker {
  let broker: EmbeddedBroker | undefined;
  beforeEach(async () => {
    broker = await testBroker(options);
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });
  return () => {
    if (broker === undefined) throw new Error('useTestBroker: no broker outside a test');
    return broker;
  };
}

/** Runtime options for tests: quiet, no HTTP server. */
export function runtimeOptions(extra: SourceRuntimeOptions = {}): SourceRuntimeOptions {
  return { logger: quietLogger(), http: false, ...extra };
}

/** A {@link PushSource} on `topics`, run by a started SourceRuntime against `broker`. */
export function runPushSource(
  broker: EmbeddedBroker,
  topics: ProducerConfig[],
  input: CoreConfigInput = {},
): { source: PushSource; runtime: SourceRuntime; run: ReturnType<typeof startRuntime> } {
  const source = new PushSource(topics);
  const runtime = new SourceRuntime(source, coreFor(broker, input), runtimeOptions());
  return { source, runtime, run: startRuntime(runtime) };
}

/** Starts `runtime.run()` with an AbortController; `stop()` aborts and awaits the end. */
export function startRuntime(runtime: SourceRuntime): {
  done: Promise<void>;
  stop: () => Promise<void>;
  controller: AbortController;
} {
  const controller = new AbortController();
  const done = runtime.run({ signal: controller.signal, handleSignals: false });
  done.catch(() => undefined);
  return {
    done,
    controller,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/** Records every lifecycle call, in order. */
export class Lifecycle {
  readonly calls: string[] = [];
  readonly commits: Offset[][] = [];
}

/** Options of the polling test connector. */
export interface ListSourceOptions {
  topics: ProducerConfig[];
  /** Items handed out by successive polls (one array per poll); afterwards polls return []. */
  batches: Envelopeish[][];
  lifecycle?: Lifecycle;
  /** Replaces poll's behaviour for a given poll number (1-based). */
  pollHook?: (n: number) => Promise<Envelopeish[]> | undefined;
  commitHook?: (offsets: Offset[]) => Promise<void> | void;
  initializeHook?: () => Promise<void>;
}

/** A polling connector serving prepared batches, recording commits. */
export class ListSource extends SourceConnector {
  readonly lifecycle: Lifecycle;
  private polls = 0;
  private readonly options: ListSourceOptions;
  private readonly waiting: Array<() => void> = [];

  constructor(options: ListSourceOptions) {
    super();
    this.options = options;
    this.lifecycle = options.lifecycle ?? new Lifecycle();
  }

  /** Number of `poll()` calls made. */
  get pollCount(): number {
    return this.polls;
  }

  async initialize(): Promise<void> {
    this.lifecycle.calls.push('initialize');
    await this.options.initializeHook?.();
  }

  producerConfigs(): ProducerConfig[] {
    this.lifecycle.calls.push('producerConfigs');
    return this.options.topics;
  }

  override async poll(): Promise<Envelopeish[]> {
    this.polls += 1;
    if (this.lifecycle.calls.at(-1) !== 'poll') this.lifecycle.calls.push('poll');
    const hooked = this.options.pollHook?.(this.polls);
    if (hooked !== undefined) return hooked;
    const batch = this.options.batches.shift();
    if (batch === undefined) {
      for (const resolve of this.waiting.splice(0)) resolve();
      return [];
    }
    return Promise.resolve(batch);
  }

  /** Resolves once every prepared batch was handed out and an empty poll happened. */
  exhausted(): Promise<void> {
    if (this.options.batches.length === 0 && this.polls > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  override async commit(offsets: Offset[]): Promise<void> {
    await this.options.commitHook?.(offsets);
    this.lifecycle.commits.push(offsets);
    if (this.lifecycle.calls.at(-1) !== 'commit') this.lifecycle.calls.push('commit');
  }

  override shutdown(): Promise<void> {
    this.lifecycle.calls.push('shutdown');
    return Promise.resolve();
  }
}

/** A streaming connector that exposes its sender to the test. */
export class PushSource extends SourceConnector {
  readonly lifecycle = new Lifecycle();
  private readonly topics: ProducerConfig[];
  private senderReady: (sender: SourceSender) => void = () => undefined;
  /** Resolves with the sender once `startStreaming` was called. */
  readonly sender: Promise<SourceSender>;
  /** What startStreaming does after exposing the sender (default: return). */
  streamHook: ((sender: SourceSender, signal: AbortSignal) => Promise<void>) | undefined;

  constructor(topics: ProducerConfig[]) {
    super();
    this.topics = topics;
    this.sender = new Promise((resolve) => {
      this.senderReady = resolve;
    });
  }

  override mode(): SourceMode {
    return 'streaming';
  }

  initialize(): Promise<void> {
    this.lifecycle.calls.push('initialize');
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    this.lifecycle.calls.push('producerConfigs');
    return this.topics;
  }

  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    this.lifecycle.calls.push('startStreaming');
    this.senderReady(sender);
    await this.streamHook?.(sender, signal);
  }

  override commit(offsets: Offset[]): Promise<void> {
    this.lifecycle.commits.push(offsets);
    return Promise.resolve();
  }

  override shutdown(): Promise<void> {
    this.lifecycle.calls.push('shutdown');
    return Promise.resolve();
  }
}

/** A plain topic config. */
export function topic(name: string, partitions = 0, reliableDispatch = false): ProducerConfig {
  return { topic: name, partitions, reliableDispatch };
}

/** A consumer subscribed before anything is published, reading through the real client. */
export interface EarlyConsumer {
  /** Reads `count` messages (acking each), then closes the consumer and its client. */
  take(count: number): Promise<ReceivedMessage[]>;
}

/**
 * Creates `config`'s topic (as the runtime will declare it) and subscribes to it, so the
 * consumer sees what is published next: a new subscription starts at the end of the topic.
 */
export async function subscribeFirst(
  brokerUrl: string,
  config: ProducerConfig,
): Promise<EarlyConsumer> {
  const client = await DanubeClient.connect({ serviceUrl: brokerUrl });
  try {
    const setup = await client.createProducer({
      topic: config.topic,
      name: 'test-setup',
      partitions: config.partitions,
      reliableDispatch: config.reliableDispatch,
    });
    await setup.close();
    const consumer = await client.subscribe({
      topic: config.topic,
      subscription: 'test-sub',
      type: 'Exclusive',
    });
    return {
      async take(count) {
        try {
          const out: ReceivedMessage[] = [];
          for await (const message of consumer) {
            out.push(message);
            await consumer.ack(message);
            if (out.length >= count) break;
          }
          await consumer.close();
          return out;
        } finally {
          await client.close();
        }
      },
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** The last committed offset value per partition, over every commit call. */
export function lastCommitted(commits: Offset[][]): Map<string, Offset['value']> {
  const out = new Map<string, Offset['value']>();
  for (const call of commits) for (const offset of call) out.set(offset.partition, offset.value);
  return out;
}

export { toEnvelope };
