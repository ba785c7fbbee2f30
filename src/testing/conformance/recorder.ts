import { EventEmitter } from 'node:events';
import { toEnvelope, type Envelopeish } from '../../connector/envelope.js';
import type { Offset } from '../../connector/offset.js';
import type { SourceRecord } from '../../connector/record.js';
import type { DeliveryReceipt, SourceSender } from '../../connector/sender.js';
import type { SourceConnector } from '../../connector/source-connector.js';
import type { StoredMessage } from '../broker/types.js';
import {
  describeHandOver,
  droppedByPolicy,
  expectedIn,
  isStoredIn,
  startedIn,
  type CallEvent,
  type CommitCall,
  type HandOver,
  type LifecycleCall,
} from './evidence.js';
import type { Fingerprints } from './fingerprint.js';
import { asError, errorMessage } from '../../errors.js';

const WATCHED: ReadonlySet<PropertyKey> = new Set<LifecycleCall>([
  'initialize',
  'producerConfigs',
  'poll',
  'startStreaming',
  'commit',
  'shutdown',
  'healthCheck',
]);

/**
 * Watches a connector through a proxy: the order of lifecycle calls, every record it
 * hands over, every commit (checked against the broker at the moment it is made).
 * Emits `'change'` after every event so waits are event-driven.
 */
export class ConnectorRecorder extends EventEmitter {
  round = 0;
  readonly calls: CallEvent[] = [];
  readonly handOvers: HandOver[] = [];
  readonly commits: CommitCall[] = [];
  /** What `producerConfigs()` returned, per round. */
  readonly producerConfigs = new Map<number, unknown>();
  /** Every message the broker stored, in order. */
  readonly stored: StoredMessage[] = [];
  /** Per fingerprint, the topic (with partition) of each stored copy. */
  readonly storedTopics = new Map<string, string[]>();
  readonly #fingerprints: Fingerprints;
  readonly #seenCounts = new Map<string, number>();
  readonly #lastCommitted = new Map<string, number>();
  readonly #onProducerConfigs: (configs: unknown) => void;
  #nextCallId = 1;

  constructor(fingerprints: Fingerprints, onProducerConfigs: (configs: unknown) => void) {
    super();
    this.setMaxListeners(0);
    this.#fingerprints = fingerprints;
    this.#onProducerConfigs = onProducerConfigs;
  }

  /** Feeds a message the broker stored. */
  onStored(message: StoredMessage): void {
    this.stored.push(message);
    const fp = this.#fingerprints.ofStored(message);
    const topics = this.storedTopics.get(fp);
    if (topics === undefined) this.storedTopics.set(fp, [message.topic]);
    else topics.push(message.topic);
    this.emit('change');
  }

  /** Whether the broker holds this handed-over record (with its key and attributes). */
  isStored(entry: HandOver): boolean {
    return isStoredIn(this.storedTopics, entry);
  }

  /** Handed-over records of `round` the runtime accepted (or may still accept). */
  expected(round: number): HandOver[] {
    return expectedIn(this.handOvers, round);
  }

  /** The started calls of `round` of one kind. */
  started(round: number, call: LifecycleCall): CallEvent[] {
    return startedIn(this.calls, round, call);
  }

  /** A proxy of `connector` that records everything and otherwise behaves as it. */
  wrap(connector: SourceConnector): SourceConnector {
    return new Proxy(connector, {
      get: (target, prop) => {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function' || prop === 'constructor') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (!WATCHED.has(prop)) return method.bind(target);
        const call = prop as LifecycleCall;
        return (...args: unknown[]): unknown => this.#invoke(call, target, method, args);
      },
    });
  }

  #invoke(
    call: LifecycleCall,
    target: SourceConnector,
    method: (...args: unknown[]) => unknown,
    args: unknown[],
  ): unknown {
    if (call === 'commit') this.#checkCommit(args[0] as Offset[]);
    if (call === 'startStreaming')
      args = [this.#wrapSender(args[0] as SourceSender), ...args.slice(1)];
    const id = this.#nextCallId++;
    const round = this.round;
    this.#event({ round, call, phase: 'start', id });
    let result: unknown;
    try {
      result = method.apply(target, args);
    } catch (error) {
      this.#event({ round, call, phase: 'end', id, error: errorMessage(error) });
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.#after(call, result);
      this.#event({ round, call, phase: 'end', id });
      return result;
    }
    return result.then(
      (value: unknown) => {
        this.#after(call, value);
        this.#event({ round, call, phase: 'end', id });
        return value;
      },
      (error: unknown) => {
        this.#event({ round, call, phase: 'end', id, error: errorMessage(error) });
        throw error;
      },
    );
  }

  #after(call: LifecycleCall, value: unknown): void {
    if (call === 'producerConfigs') {
      this.producerConfigs.set(this.round, value);
      this.#onProducerConfigs(value);
    } else if (call === 'poll' && Array.isArray(value)) {
      for (const item of value as Envelopeish[]) {
        try {
          this.#handOver(toEnvelope(item).record, toEnvelope(item).offset, 'poll').accepted = true;
        } catch {
          // Not an envelope: the runtime reports it; nothing to track.
        }
      }
    } else if (call === 'commit') {
      this.emit('change');
    }
  }

  #wrapSender(sender: SourceSender): SourceSender {
    const accept = async (item: Envelopeish): Promise<DeliveryReceipt> => {
      let entry: HandOver | undefined;
      try {
        const envelope = toEnvelope(item);
        entry = this.#handOver(envelope.record, envelope.offset, 'send');
      } catch {
        entry = undefined;
      }
      let receipt: DeliveryReceipt;
      try {
        receipt = await sender.send(item);
      } catch (error) {
        if (entry) entry.accepted = false;
        this.emit('change');
        throw error;
      }
      if (entry) this.#track(entry, receipt);
      return receipt;
    };
    return {
      send: accept,
      // One by one keeps the hand-over order the runtime sees.
      sendBatch: async (items: readonly Envelopeish[]): Promise<DeliveryReceipt[]> => {
        const receipts: DeliveryReceipt[] = [];
        for (const item of items) receipts.push(await accept(item));
        return receipts;
      },
      isClosed: () => sender.isClosed(),
    };
  }

  #track(entry: HandOver, receipt: DeliveryReceipt): void {
    entry.accepted = true;
    receipt.delivered.then(
      (result) => {
        entry.result = result;
        this.emit('change');
      },
      (error: unknown) => {
        entry.result = asError(error);
        this.emit('change');
      },
    );
    this.emit('change');
  }

  #handOver(record: SourceRecord, offset: Offset | undefined, via: 'poll' | 'send'): HandOver {
    const fingerprint = this.#fingerprints.ofRecord(record);
    const ordinal = (this.#seenCounts.get(fingerprint) ?? 0) + 1;
    this.#seenCounts.set(fingerprint, ordinal);
    const entry: HandOver = {
      index: this.handOvers.length,
      round: this.round,
      record,
      offset,
      fingerprint,
      ordinal,
      via,
      accepted: undefined,
      committed: false,
    };
    this.handOvers.push(entry);
    this.emit('change');
    return entry;
  }

  /** Checks a commit at the moment it is made: contiguous, in order, after publish. */
  #checkCommit(offsets: Offset[]): void {
    const problems: string[] = [];
    const round = this.round;
    for (const offset of Array.isArray(offsets) ? offsets : []) {
      const entries = this.expected(round).filter((h) => h.offset?.partition === offset.partition);
      let at = entries.findLastIndex((h) => h.offset === offset);
      if (at < 0) at = entries.findLastIndex((h) => h.offset?.equals(offset) === true);
      if (at < 0) {
        problems.push(`commit(${offset.toString()}): no record with this offset was handed over`);
        continue;
      }
      const key = `${round}\u0000${offset.partition}`;
      const previous = this.#lastCommitted.get(key) ?? -1;
      if (at < previous) {
        problems.push(
          `commit(${offset.toString()}) went backwards: ${entries[previous]?.offset?.toString()} was already committed`,
        );
      }
      const unpublished = entries
        .slice(0, at + 1)
        .find((h) => !this.isStored(h) && !droppedByPolicy(h));
      if (unpublished !== undefined) {
        problems.push(
          `commit(${offset.toString()}) while ${describeHandOver(unpublished)} (handed over ${unpublished === entries[at] ? 'as this offset' : 'before it'}) was not published yet`,
        );
      }
      for (const h of entries.slice(0, at + 1)) h.committed = true;
      this.#lastCommitted.set(key, Math.max(previous, at));
    }
    this.commits.push({ round, offsets: Array.isArray(offsets) ? [...offsets] : [], problems });
  }

  #event(event: CallEvent): void {
    this.calls.push(event);
    this.emit('change');
  }
}
