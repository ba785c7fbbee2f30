import { EventEmitter } from 'node:events';
import { SourceConnector, type SourceMode } from '../../../src/connector/source-connector.js';
import type { SourceEnvelope } from '../../../src/connector/envelope.js';
import type { Offset } from '../../../src/connector/offset.js';
import type { ProducerConfig } from '../../../src/connector/producer-config.js';
import type { DeliveryResult, SourceSender } from '../../../src/connector/sender.js';
import type { ConnectorConfig } from '../../../src/connector/pending-types.js';
import { SOURCE_PARTITION, sequenceEnvelope, type SequenceOptions } from './sequence.js';

/** What a proof connector produces and how. */
export interface ProofConnectorOptions extends SequenceOptions {
  /** Records numbered `first` … `total - 1`. */
  total: number;
  /** First record to produce (a restarted source resumes from its committed offset + 1). */
  first?: number;
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
  readonly #pollFailures: Error[];
  readonly #commitFailures: Error[];

  constructor(options: ProofConnectorOptions) {
    super();
    this.options = options;
    this.next = options.first ?? 0;
    this.#pollFailures = [...(options.pollFailures ?? [])];
    this.#commitFailures = [...(options.commitFailures ?? [])];
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
    while (out.length < this.options.batch && this.next < this.options.total)
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
    try {
      while (this.next < this.options.total && !signal.aborted) {
        const seqs: number[] = [];
        while (seqs.length < this.options.batch && this.next < this.options.total)
          seqs.push(this.next++);
        const receipts = await sender.sendBatch(seqs.map((seq) => this.envelope(seq)));
        receipts.forEach((receipt, i) => {
          const seq = seqs[i] ?? -1;
          receipt.delivered.then(
            (result) => this.#settle(seq, result),
            (error: unknown) =>
              this.#settle(seq, error instanceof Error ? error : new Error(String(error))),
          );
        });
      }
    } catch (error) {
      this.sendError = error;
      return;
    }
    if (signal.aborted) return;
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }

  #settle(seq: number, result: DeliveryResult | Error): void {
    this.results.set(seq, result);
    this.events.emit('change');
  }
}
