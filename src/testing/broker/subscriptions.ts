import type { DispatchStrategyName, SubscriptionTypeName } from '../../client/wire.js';
import { fnv1a64 } from '../../client/routing.js';
import type { StoredMessage, SubscriptionInfo } from './types.js';

/** Where a consumer's messages go while its ReceiveMessages stream is open. */
export interface ConsumerSession {
  deliver(message: StoredMessage, subscription: Subscription): void;
  /** Ends the stream (takeover by a newer stream, broker shutdown). */
  end(): void;
}

/** A consumer attached to a subscription. */
export class ConsumerState {
  session: ConsumerSession | undefined;
  /**
   * The real broker marks a consumer inactive when its stream ends (HealthCheck → CLOSE)
   * and active again when it subscribes or opens a stream.
   */
  active = true;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly subscription: Subscription,
    readonly keyFilters: readonly string[],
  ) {}

  /** Whether a ReceiveMessages stream is open. */
  get connected(): boolean {
    return this.session !== undefined;
  }
}

/** The real broker's `dispatch.max_unacked_messages` default. */
export const DEFAULT_MAX_UNACKED = 10;

/** What a subscription reads of its topic (a `TopicState` is one). */
export interface SubscribedTopic {
  readonly name: string;
  readonly dispatch: DispatchStrategyName;
  /** Stored messages; a message's offset is its index. */
  readonly messages: readonly StoredMessage[];
}

/**
 * One subscription of a topic, as the real broker dispatches it. A new subscription starts
 * at the end of the topic: messages stored before it existed are not delivered.
 *
 * Reliable topics: a cursor over the stored messages, at most `maxUnacked` delivered and
 * not acked, redelivery after a nack or when the consumer holding a message disconnects.
 * Non-reliable topics: fire and forget; nothing waits for acks, nothing is redelivered,
 * and a message published while no consumer of the subscription is attached is lost.
 */
export class Subscription {
  readonly consumers = new Map<string, ConsumerState>();
  private cursor: number;
  private readonly pending = new Map<bigint, string>();
  private readonly redeliveryQueue: bigint[] = [];
  private readonly acked = new Set<bigint>();
  private readonly redelivered = new Set<bigint>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private roundRobin = 0;
  private readonly reliable: boolean;

  constructor(
    readonly name: string,
    readonly type: SubscriptionTypeName,
    readonly topic: SubscribedTopic,
    private readonly maxUnacked: number,
  ) {
    this.cursor = topic.messages.length;
    this.reliable = topic.dispatch === 'Reliable';
  }

  /** Whether an Exclusive subscription already has a consumer other than `consumerName`. */
  refuses(consumerName: string): boolean {
    if (this.type !== 'Exclusive') return false;
    return [...this.consumers.values()].some((c) => c.name !== consumerName);
  }

  /** The consumer of this name, or undefined. */
  consumerNamed(name: string): ConsumerState | undefined {
    return [...this.consumers.values()].find((c) => c.name === name);
  }

  /** Attaches a consumer (not connected until it opens a stream). */
  add(consumer: ConsumerState): void {
    this.consumers.set(consumer.id, consumer);
  }

  /** Opens `consumer`'s stream: a previous stream of the same consumer is ended. */
  connect(consumer: ConsumerState, session: ConsumerSession): void {
    const previous = consumer.session;
    if (previous) {
      consumer.session = undefined;
      this.requeueOf(consumer.id);
      previous.end();
    }
    consumer.session = session;
    consumer.active = true;
    this.pump();
  }

  /** The stream of `consumer` ended: its unacked messages go back for redelivery. */
  disconnect(consumer: ConsumerState, session: ConsumerSession): void {
    if (consumer.session !== session) return;
    consumer.session = undefined;
    consumer.active = false;
    this.requeueOf(consumer.id);
    this.pump();
  }

  /** Removes a consumer entirely (broker restart): its messages are requeued. */
  remove(consumer: ConsumerState): void {
    consumer.session = undefined;
    this.consumers.delete(consumer.id);
    this.requeueOf(consumer.id);
  }

  /** Acknowledges an offset; false when it was not pending (always on non-reliable topics). */
  ack(offset: bigint): boolean {
    if (!this.reliable) return false;
    const wasPending = this.pending.delete(offset);
    this.acked.add(offset);
    this.pump();
    return wasPending;
  }

  /** Negative ack: the message is redelivered after `delayMs` (0 = now). */
  nack(offset: bigint, delayMs: number): void {
    if (!this.pending.delete(offset)) return;
    if (delayMs <= 0) {
      this.enqueue(offset);
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(offset);
      this.pump();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Delivers what can be delivered now to connected consumers. */
  pump(): void {
    const window = this.reliable ? this.maxUnacked : Number.POSITIVE_INFINITY;
    while (this.pending.size < window) {
      const fromQueue = this.redeliveryQueue.length > 0;
      const offset = fromQueue
        ? this.redeliveryQueue[0]
        : this.cursor < this.topic.messages.length
          ? BigInt(this.cursor)
          : undefined;
      if (offset === undefined) return;
      const message = this.topic.messages[Number(offset)];
      if (!message) return;
      if (this.acked.has(offset) || this.pending.has(offset)) {
        this.advance(fromQueue);
        continue;
      }
      const consumer = this.pick(message);
      if (!consumer?.session) {
        // non-reliable: only a consumer about to open its stream gets a message later
        if (this.reliable || this.awaitingStream()) return;
        this.advance(fromQueue);
        continue;
      }
      this.advance(fromQueue);
      if (this.reliable) {
        if (fromQueue) this.redelivered.add(offset);
        this.pending.set(offset, consumer.id);
      }
      consumer.session.deliver(message, this);
    }
  }

  /** Inspection snapshot. */
  info(): SubscriptionInfo {
    const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
    return {
      name: this.name,
      type: this.type,
      consumers: [...this.consumers.values()].map((c) => ({
        id: c.id,
        name: c.name,
        connected: c.connected,
      })),
      acked: [...this.acked].sort(ascending),
      pending: [...this.pending.keys()].sort(ascending),
      redelivered: [...this.redelivered].sort(ascending),
    };
  }

  /** Stops timers (topic dropped). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Whether a consumer subscribed and has not opened its stream yet (nor lost it). */
  private awaitingStream(): boolean {
    return [...this.consumers.values()].some((c) => c.active && !c.connected);
  }

  private advance(fromQueue: boolean): void {
    if (fromQueue) this.redeliveryQueue.shift();
    else this.cursor++;
  }

  private enqueue(offset: bigint): void {
    const at = this.redeliveryQueue.findIndex((o) => o > offset);
    if (at < 0) this.redeliveryQueue.push(offset);
    else this.redeliveryQueue.splice(at, 0, offset);
  }

  private requeueOf(consumerId: string): void {
    for (const [offset, holder] of [...this.pending]) {
      if (holder !== consumerId) continue;
      this.pending.delete(offset);
      this.enqueue(offset);
    }
  }

  private pick(message: StoredMessage): ConsumerState | undefined {
    const connected = [...this.consumers.values()].filter((c) => c.connected);
    if (connected.length === 0) return undefined;
    switch (this.type) {
      case 'Exclusive':
      case 'Failover':
        return connected[0];
      case 'Shared':
        return connected[this.roundRobin++ % connected.length];
      case 'KeyShared': {
        const key = message.key;
        const eligible = connected.filter(
          (c) =>
            c.keyFilters.length === 0 ||
            (key !== undefined && c.keyFilters.some((f) => matches(f, key))),
        );
        if (eligible.length === 0) return undefined;
        if (key === undefined) return eligible[this.roundRobin++ % eligible.length];
        return eligible[Number(fnv1a64(key) % BigInt(eligible.length))];
      }
    }
  }
}

/** Glob match of a key filter (`*` any run, `?` one character). */
function matches(filter: string, key: string): boolean {
  const pattern = filter
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(key);
}
