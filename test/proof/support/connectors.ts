import { EventEmitter } from 'node:events';
import { SourceConnector, type SourceMode } from '../../../src/connector/source-connector.js';
import type { SourceEnvelope } from '../../../src/connector/envelope.js';
import type { Offset } from '../../../src/connector/offset.js';
import type { ProducerConfig } from '../../../src/connector/producer-config.js';
import type {
  DeliveryReceipt,
  DeliveryResult,
  SourceSender,
} from '../../../src/connector/sender.js';
import type { ConnectorConfig } from '../../../src/config/types.js';
import { SOURCE_PARTITION, sequenceEnvelope, type SequenceOptions } from './sequence.js';

/** What a proof connector produces and how. */
export interface ProofConnectorOptions extends SequenceOptions {
  /** Records numbered `first` … `total - 1`. */
  total: number;
  /** First record to produce (a restarted source resumes from its committed offset + 1). */
  first?: number;
  /**
   * Records available at start (default all): the rest wait for {@link ProofConnector.release},
   * so a test can inject a fault between two phases of a run.
   */
  available?: number;
  /** Partitions of the topic in producerConfigs. */
  partitions: number;
  /** Largest poll result / streaming batch. */
  batch: number;
  /** Errors the next polls throw, front first (consumed one per poll). */
  pollFailures?: Error[];
  /** Errors the next commits throw, front first. */
  commitFailures?: Error[];
  /**
   * Called inside `commit` before it is recorded: the test checks there that nothing is
   * committed ahead of what the broker stored. Throwing fails the commit (counted as a violation).
   */
  auditCommit?: (offsets: readonly Offset[]) => void;
  /** Streaming only: once records `< atSeq` settled, `startStreaming` throws `error`. */
  streamFailure?: { atSeq: number; error: Error };
  /** Extra topics the connector declares (e.g. a dead-letter topic). */
  extraProducers?: ProducerConfig[];
  /** Replaces the envelope for `seq` (bad payloads, oversize, …). */
  envelopeFor?: (seq: number) => SourceEnvelope;
}

/**
 * Shared bookkeeping of the polling and streaming proof connectors: lifecycle calls,
 * commits, and an event per change so tests await conditions instead of sleeping.
 */
abstract class ProofConnector extends SourceConnector {
  readonly calls: string[] = [];
  /** Every commit call, in order (successful ones only). */
  readonly commits: Offset[][] = [];
  /** Highest committed seq, -1 before any commit. */
  committed = -1;
  /** Emits 'change' after every lifecycle call, poll, send and commit. */
  readonly events = new EventEmitter();
  protected readonly options: ProofConnectorOptions;
  protected next: number;
  /** Records `< available` may be produced now. */
  protected available: number;
  readonly #pollFailures: Error[];
  readonly #commitFailures: Error[];

  constructor(options: ProofConnectorOptions) {
    super();
    this.options = options;
    this.next = options.first ?? 0;
    this.available = Math.min(options.available ?? options.total, options.total);
    this.#pollFailures = [...(options.pollFailures ?? [])];
    this.#commitFailures = [...(options.commitFailures ?? [])];
  }

  /** The next seq the connector would produce. */
  get produced(): number {
    return this.next;
  }

  /** Makes records up to `upTo - 1` available (all by default). */
  release(upTo = this.options.total): void {
    this.available = Math.min(Math.max(this.available, upTo), this.options.total);
    this.events.emit('change');
  }

  /** Resolves once `commit` has covered `seq`. */
  committedThrough(seq: number): Promise<void> {
    return this.waitFor(() => this.committed >= seq);
  }

  /** Resolves once the lifecycle log contains `call`. */
  called(call: string): Promise<void> {
    return this.waitFor(() => this.calls.includes(call));
  }

  initialize(_core: ConnectorConfig): Promise<void> {
    this.#log('initialize');
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    this.#log('producerConfigs');
    return [
      { topic: this.options.topic, partitions: this.options.partitions, reliableDispatch: true },
      ...(this.options.extraProducers ?? []),
    ];
  }

  override commit(offsets: Offset[]): Promise<void> {
    this.#log('commit');
    const failure = this.#commitFailures.shift();
    if (failure) return Promise.reject(failure);
    this.options.auditCommit?.(offsets);
    this.commits.push(offsets);
    for (const offset of offsets) {
      if (offset.partition === SOURCE_PARTITION)
        this.committed = Math.max(this.committed, Number(offset.value));
    }
    this.events.emit('change');
    return Promise.resolve();
  }

  override shutdown(): Promise<void> {
    this.#log('shutdown');
    return Promise.resolve();
  }

  protected envelope(seq: number): SourceEnvelope {
    return this.options.envelopeFor?.(seq) ?? sequenceEnvelope(seq, this.options);
  }

  /** Makes the next polls throw these errors, in order. */
  failNextPolls(...errors: Error[]): void {
    this.#pollFailures.push(...errors);
  }

  /** Makes the next commits throw these errors, in order. */
  failNextCommits(...errors: Error[]): void {
    this.#commitFailures.push(...errors);
  }

  protected takePollFailure(): Error | undefined {
    return this.#pollFailures.shift();
  }

  protected log(call: string): void {
    this.#log(call);
  }

  #log(call: string): void {
    this.calls.push(call);
    this.events.emit('change');
  }

  /** Resolves once `predicate` holds, re-checked on every 'change'. */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (predicate()) {
          this.events.off('change', check);
          resolve();
        }
      };
      this.events.on('change', check);
    });
  }
}

/** A polling connector over records `first … total-1`, `batch` per poll. */
export class PollingProofConnector extends ProofConnector {
  override mode(): SourceMode {
    return 'polling';
  }

  override poll(_signal: AbortSignal): Promise<SourceEnvelope[]> {
    this.log('poll');
    const failure = this.takePollFailure();
    if (failure) return Promise.reject(failure);
    const out: SourceEnvelope[] = [];
    while (out.length < this.options.batch && this.next < this.available)
      out.push(this.envelope(this.next++));
    return Promise.resolve(out);
  }
}

/**
 * A streaming connector over records `first … total-1`: sends them in batches of
 * `batch` with `sendBatch`, keeps every delivery result, then waits for the stop signal.
 */
export class StreamingProofConnector extends ProofConnector {
  /** Delivery result (or rejection) per seq. */
  readonly results = new Map<number, DeliveryResult | Error>();
  /** The error `send` threw, if the runtime stopped intake. */
  sendError: unknown;

  override mode(): SourceMode {
    return 'streaming';
  }

  /** Resolves once every record's receipt settled. */
  allSettled(): Promise<void> {
    const expected = this.options.total - (this.options.first ?? 0);
    return this.waitFor(() => this.results.size >= expected);
  }

  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    this.log('startStreaming');
    const failure = this.options.streamFailure;
    while (this.next < this.options.total && !signal.aborted) {
      if (failure !== undefined && this.next >= failure.atSeq) {
        await this.waitFor(() => this.results.size >= failure.atSeq - (this.options.first ?? 0));
        throw failure.error;
      }
      if (this.next >= this.available) {
        await Promise.race([this.waitFor(() => this.next < this.available), aborted(signal)]);
        continue;
      }
      const seqs: number[] = [];
      const limit = Math.min(this.available, failure?.atSeq ?? this.available);
      while (seqs.length < this.options.batch && this.next < limit) seqs.push(this.next++);
      let receipts: DeliveryReceipt[];
      try {
        receipts = await sender.sendBatch(seqs.map((seq) => this.envelope(seq)));
      } catch (error) {
        this.sendError = error;
        return;
      }
      receipts.forEach((receipt, i) => {
        const seq = seqs[i] ?? -1;
        receipt.delivered.then(
          (result) => this.#settle(seq, result),
          (error: unknown) =>
            this.#settle(seq, error instanceof Error ? error : new Error(String(error))),
        );
      });
    }
    await aborted(signal);
  }

  #settle(seq: number, result: DeliveryResult | Error): void {
    this.results.set(seq, result);
    this.events.emit('change');
  }
}

/** Resolves when `signal` aborts (at once if it already did). */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
