import { toEnvelope, type Envelopeish, type SourceEnvelope } from '../../connector/envelope.js';
import { RuntimeStoppingError } from '../../connector/errors.js';
import type { Offset } from '../../connector/offset.js';
import type { SourceRecord } from '../../connector/record.js';
import type {
  DeliveryReceipt,
  DeliveryResult,
  SourceSendOptions,
  SourceSender,
} from '../../connector/sender.js';
import { DanubeConnectError } from '../../errors.js';

/** Where one envelope handed to an {@link InMemorySender} stands. */
export type SentState = 'pending' | 'published' | 'failed' | 'dead_lettered' | 'skipped';

/** One envelope a connector handed to an {@link InMemorySender}, with its receipt. */
export interface SentEnvelope {
  /** Position in hand-over order, from 0. */
  readonly index: number;
  readonly envelope: SourceEnvelope;
  readonly record: SourceRecord;
  readonly offset: Offset | undefined;
  /** The receipt the connector got back from `send`. */
  readonly receipt: DeliveryReceipt;
  /** Current state; `pending` until the test (or `settle: 'immediate'`) settles it. */
  readonly state: SentState;
}

/** Options of {@link InMemorySender}. */
export interface InMemorySenderOptions {
  /**
   * `'immediate'` (default): each receipt settles as published as soon as `send` accepted
   * the envelope. `'manual'`: receipts stay pending until the test calls
   * {@link InMemorySender.publish}, {@link InMemorySender.fail},
   * {@link InMemorySender.deadLetter} or {@link InMemorySender.skip}.
   */
  settle?: 'immediate' | 'manual';
  /**
   * How many unsettled envelopes the sender holds before `send` waits, as the runtime's
   * bounded buffer does (backpressure). Default: unbounded.
   */
  capacity?: number;
}

/** Which sent envelopes a settle call applies to: an index, an entry, or a predicate. */
export type SentSelector = number | SentEnvelope | ((sent: SentEnvelope) => boolean);

interface MutableSent {
  index: number;
  envelope: SourceEnvelope;
  record: SourceRecord;
  offset: Offset | undefined;
  receipt: DeliveryReceipt;
  state: SentState;
  resolve: (result: DeliveryResult) => void;
  reject: (error: Error) => void;
}

interface Waiter {
  count: number;
  resolve: () => void;
}

/**
 * A {@link SourceSender} that records what a streaming connector sends, for unit tests
 * without a broker ("test transformation and routing in isolation").
 *
 * Receipts settle at once by default; with `settle: 'manual'` the test decides when and
 * how each one settles, so it can check that the connector acknowledges its upstream
 * only after durable publish, and how it reacts to failures and backpressure.
 *
 * @example
 * ```ts
 * const sender = new InMemorySender({ settle: 'manual' });
 * const stop = new AbortController();
 * const streaming = connector.startStreaming(sender, stop.signal);
 * mqtt.publish('sensors/1/temp', '21.5');
 * const [sent] = await sender.waitForSent(1);
 * expect(sent.record.topic).toBe('/iot/temperature');
 * expect(upstreamAcks).toBe(0);      // not acknowledged before publish
 * sender.publish(0);
 * stop.abort();
 * await streaming;
 * ```
 */
export class InMemorySender implements SourceSender {
  readonly #settle: 'immediate' | 'manual';
  readonly #capacity: number;
  readonly #sent: MutableSent[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #roomWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #unsettled = 0;
  #stopped: RuntimeStoppingError | undefined;

  constructor(options: InMemorySenderOptions = {}) {
    this.#settle = options.settle ?? 'immediate';
    this.#capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (!(this.#capacity >= 1))
      throw new DanubeConnectError(
        'usage',
        `InMemorySender capacity must be ≥ 1, got ${this.#capacity}`,
      );
  }

  /** Everything sent so far, in hand-over order. */
  get sent(): readonly SentEnvelope[] {
    return this.#sent;
  }

  /** The records sent so far (optionally only those for `topic`), in hand-over order. */
  records(topic?: string): SourceRecord[] {
    return this.#sent
      .filter((s) => topic === undefined || s.record.topic === topic)
      .map((s) => s.record);
  }

  /** The envelopes whose receipts have not settled yet. */
  pending(): SentEnvelope[] {
    return this.#sent.filter((s) => s.state === 'pending');
  }

  /** Accepts one envelope (waiting while `capacity` unsettled envelopes are held). */
  async send(item: Envelopeish, options: SourceSendOptions = {}): Promise<DeliveryReceipt> {
    await this.#reserveRoom(options.signal);
    try {
      return this.#accept(item);
    } catch (error) {
      this.#unsettled -= 1;
      throw error;
    }
  }

  /** Accepts several envelopes in order; one receipt each. */
  async sendBatch(items: readonly Envelopeish[]): Promise<DeliveryReceipt[]> {
    const receipts: DeliveryReceipt[] = [];
    for (const item of items) receipts.push(await this.send(item));
    return receipts;
  }

  /**
   * Settles the selected pending envelopes (all pending ones without a selector) as
   * published. Returns how many were settled.
   */
  publish(which?: SentSelector): number {
    return this.#settleWhere(which, (s) => {
      s.state = 'published';
      s.resolve({
        status: 'published',
        topic: s.record.topic,
        requestId: String(s.index),
        producerId: 'in-memory',
      });
    });
  }

  /** Settles the selected pending envelopes as finally failed: their `delivered` rejects with `error`. */
  fail(which: SentSelector | undefined, error: Error): number {
    return this.#settleWhere(which, (s) => {
      s.state = 'failed';
      s.reject(error);
    });
  }

  /** Settles the selected pending envelopes as dead-lettered by the failure policy. */
  deadLetter(which: SentSelector | undefined, error: Error): number {
    return this.#settleWhere(which, (s) => {
      s.state = 'dead_lettered';
      s.resolve({ status: 'dead_lettered', error });
    });
  }

  /** Settles the selected pending envelopes as skipped by the failure policy. */
  skip(which: SentSelector | undefined, error: Error): number {
    return this.#settleWhere(which, (s) => {
      s.state = 'skipped';
      s.resolve({ status: 'skipped', error });
    });
  }

  /**
   * Behaves as the runtime after shutdown began: further sends (and sends waiting for
   * room) reject with a {@link RuntimeStoppingError}. Pending receipts stay as they are.
   */
  stop(message = 'the runtime is stopping: no new records are accepted'): void {
    this.#stopped = new RuntimeStoppingError(message);
    for (const waiter of this.#roomWaiters.splice(0)) waiter.reject(this.#stopped);
  }

  /** Whether {@link InMemorySender.stop} was called: sends are refused from then on. */
  isClosed(): boolean {
    return this.#stopped !== undefined;
  }

  /**
   * Resolves once at least `count` envelopes have been sent in total, with the first
   * `count` of them. Event-driven: no polling, no sleeps.
   */
  waitForSent(count: number, options: { signal?: AbortSignal } = {}): Promise<SentEnvelope[]> {
    if (this.#sent.length >= count) return Promise.resolve(this.#sent.slice(0, count));
    return new Promise<SentEnvelope[]>((resolve, reject) => {
      const signal = options.signal;
      const waiter: Waiter = {
        count,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#sent.slice(0, count));
        },
      };
      const onAbort = (): void => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(
          new DanubeConnectError(
            'aborted',
            `waitForSent(${count}) aborted after ${this.#sent.length} sent`,
            {
              cause: signal?.reason,
            },
          ),
        );
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #accept(item: Envelopeish): DeliveryReceipt {
    if (this.#stopped) throw this.#stopped;
    const envelope = toEnvelope(item);
    let resolve!: (result: DeliveryResult) => void;
    let reject!: (error: Error) => void;
    const delivered = new Promise<DeliveryResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A receipt nobody awaits must never become an unhandled rejection (api contract).
    delivered.catch(() => undefined);
    const entry: MutableSent = {
      index: this.#sent.length,
      envelope,
      record: envelope.record,
      offset: envelope.offset,
      receipt: { delivered },
      state: 'pending',
      resolve,
      reject,
    };
    this.#sent.push(entry);
    if (this.#settle === 'immediate') this.publish(entry);
    for (const waiter of this.#waiters.filter((w) => this.#sent.length >= w.count)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return entry.receipt;
  }

  /** Takes one unit of capacity (waiting for it when full); released when the entry settles. */
  async #reserveRoom(signal: AbortSignal | undefined): Promise<void> {
    if (this.#stopped) throw this.#stopped;
    signal?.throwIfAborted();
    if (this.#unsettled < this.#capacity && this.#roomWaiters.length === 0) {
      this.#unsettled += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#roomWaiters.indexOf(waiter);
        if (index >= 0) this.#roomWaiters.splice(index, 1);
        reject(
          signal?.reason instanceof Error
            ? signal.reason
            : new DanubeConnectError('aborted', 'send aborted'),
        );
      };
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#roomWaiters.push(waiter);
    });
  }

  #settleWhere(which: SentSelector | undefined, settle: (entry: MutableSent) => void): number {
    const matches = this.#sent.filter((s) => s.state === 'pending' && selects(which, s));
    for (const entry of matches) {
      settle(entry);
      this.#unsettled -= 1;
    }
    while (this.#unsettled < this.#capacity && this.#roomWaiters.length > 0) {
      this.#unsettled += 1; // reserved on behalf of the waiter being released
      this.#roomWaiters.shift()?.resolve();
    }
    return matches.length;
  }
}

function selects(which: SentSelector | undefined, entry: SentEnvelope): boolean {
  if (which === undefined) return true;
  if (typeof which === 'number') return entry.index === which;
  if (typeof which === 'function') return which(entry);
  return entry === which;
}
