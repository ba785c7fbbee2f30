import { SourceEnvelope } from '../src/connector/envelope.js';
import { Offset } from '../src/connector/offset.js';
import { SourceRecord } from '../src/connector/record.js';
import { SourceConnector, type SourceMode } from '../src/connector/source-connector.js';
import type { ProducerConfig } from '../src/connector/producer-config.js';
import type { DeliveryReceipt, SourceSender } from '../src/connector/sender.js';
import { benchRecord } from './record.js';

/** What a benchmark connector produces. */
export interface BenchSourceOptions {
  topic: string;
  total: number;
  batch: number;
  partitions?: number;
  /** Streaming: wait for each record's delivery before sending the next (latency probe). */
  oneAtATime?: boolean;
}

function envelope(topic: string, id: number): SourceEnvelope {
  return SourceEnvelope.withOffset(
    SourceRecord.json(topic, benchRecord(id)).withKey(`device-${id % 64}`),
    Offset.of('bench', id),
  );
}

/**
 * A polling connector producing `total` 1 KiB records, `batch` per poll, like a database
 * source reading rows by cursor. Commits are recorded; `done` resolves when the last
 * offset is committed.
 */
export class BenchPollingConnector extends SourceConnector {
  committed = -1;
  /** When each record was handed over (hrtime), for hand-over → commit latency. */
  readonly handedOver: bigint[] = [];
  /** hand-over → commit latency of each record (ns). */
  readonly latencies: bigint[] = [];
  readonly #options: BenchSourceOptions;
  #next = 0;
  #resolveDone: () => void = () => undefined;
  /** Resolves once every record's offset was committed. */
  readonly done: Promise<void>;
  /** Resolves when the first records are handed over (the clock starts there). */
  readonly first: Promise<void>;
  #resolveFirst: () => void = () => undefined;

  constructor(options: BenchSourceOptions) {
    super();
    this.#options = options;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.first = new Promise((resolve) => (this.#resolveFirst = resolve));
  }

  initialize(): Promise<void> {
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return [
      {
        topic: this.#options.topic,
        partitions: this.#options.partitions ?? 0,
        reliableDispatch: true,
      },
    ];
  }

  override poll(_signal: AbortSignal): Promise<SourceEnvelope[]> {
    const out: SourceEnvelope[] = [];
    const now = process.hrtime.bigint();
    while (out.length < this.#options.batch && this.#next < this.#options.total) {
      this.handedOver.push(now);
      out.push(envelope(this.#options.topic, this.#next++));
    }
    if (out.length > 0) this.#resolveFirst();
    return Promise.resolve(out);
  }

  override commit(offsets: Offset[]): Promise<void> {
    const now = process.hrtime.bigint();
    for (const offset of offsets) {
      const upTo = Number(offset.value);
      for (let id = this.committed + 1; id <= upTo; id += 1)
        this.latencies.push(now - (this.handedOver[id] ?? now));
      this.committed = Math.max(this.committed, upTo);
    }
    if (this.committed >= this.#options.total - 1) this.#resolveDone();
    return Promise.resolve();
  }
}

/**
 * A streaming connector pushing `total` 1 KiB records through `sender.send` as fast as the
 * runtime accepts them (backpressure bounds it), measuring send → delivered per record.
 */
export class BenchStreamingConnector extends SourceConnector {
  /** send() call → receipt.delivered (ns), per record. */
  readonly latencies: bigint[] = [];
  readonly #options: BenchSourceOptions;
  #resolveDone: () => void = () => undefined;
  #delivered = 0;
  /** Resolves once every receipt settled. */
  readonly done: Promise<void>;
  /** Resolves when the first record is handed over (the clock starts there). */
  readonly first: Promise<void>;
  /** Resolves when the first record is delivered (cold start). */
  readonly firstDelivered: Promise<void>;
  #resolveFirstDelivered: () => void = () => undefined;
  #resolveFirst: () => void = () => undefined;

  constructor(options: BenchSourceOptions) {
    super();
    this.#options = options;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.first = new Promise((resolve) => (this.#resolveFirst = resolve));
    this.firstDelivered = new Promise((resolve) => (this.#resolveFirstDelivered = resolve));
  }

  override mode(): SourceMode {
    return 'streaming';
  }

  initialize(): Promise<void> {
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return [
      {
        topic: this.#options.topic,
        partitions: this.#options.partitions ?? 0,
        reliableDispatch: true,
      },
    ];
  }

  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    for (let id = 0; id < this.#options.total && !signal.aborted; id += 1) {
      const started = process.hrtime.bigint();
      if (id === 0) this.#resolveFirst();
      const receipt: DeliveryReceipt = await sender.send(envelope(this.#options.topic, id));
      const settled = receipt.delivered.then(
        () => this.#settled(started),
        () => this.#settled(started),
      );
      if (this.#options.oneAtATime === true) await settled;
    }
    if (signal.aborted) return;
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }

  #settled(started: bigint): void {
    this.latencies.push(process.hrtime.bigint() - started);
    this.#delivered += 1;
    if (this.#delivered === 1) this.#resolveFirstDelivered();
    if (this.#delivered >= this.#options.total) this.#resolveDone();
  }
}
