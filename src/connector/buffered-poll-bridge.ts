import { DanubeConnectError } from '../errors.js';

/** Options of {@link BufferedPollBridge}. */
export interface BufferedPollBridgeOptions {
  /** Most items held at once; `push` refuses beyond it. */
  capacity: number;
  /** Most items one `drain()` returns; default `capacity`. */
  maxBatch?: number;
  /** Called when the buffer becomes full (e.g. pause the upstream socket). */
  onFull?: () => void;
  /** Called when a full buffer has room again (e.g. resume the upstream socket). */
  onRoom?: () => void;
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new DanubeConnectError('aborted', 'aborted', { cause: reason });
}

interface Waiter<T> {
  item: T;
  resolve: () => void;
  reject: (err: Error) => void;
  cleanup: () => void;
}

/**
 * The guide's "buffered polling bridge": a callback-based SDK pushes into a bounded buffer
 * and `poll()` drains it. Nothing is dropped silently:
 *
 * - `push(item)` is synchronous for callbacks that cannot wait. When the buffer is full it
 *   does **not** store the item and returns `false`; the caller decides (nack, pause the
 *   upstream, or await `pushWhenRoom`).
 * - `pushWhenRoom(item, signal?)` waits for room; waiting pushes are stored in call order,
 *   and `push` refuses while any are waiting so it cannot overtake them.
 * - `fail(error)` makes the next `drain()` that finds the buffer empty throw `error`, so an
 *   SDK's error callback surfaces through `poll` (e.g. a `ConnectorError.retryable`).
 *
 * @example
 * ```ts
 * const bridge = new BufferedPollBridge<SourceRecord>({ capacity: 10_000, onFull: () => sdk.pause(), onRoom: () => sdk.resume() });
 * sdk.on('event', (e) => { if (!bridge.push(SourceRecord.from('/events/all', e))) e.nack(); });
 * sdk.on('error', (err) => bridge.fail(ConnectorError.retryable('sdk error', { cause: err })));
 * // in the connector:
 * async poll() { return bridge.drain(); }
 * ```
 */
export class BufferedPollBridge<T> {
  /** Most items held at once. */
  readonly capacity: number;
  private readonly maxBatch: number;
  private readonly onFull: (() => void) | undefined;
  private readonly onRoom: (() => void) | undefined;
  private items: T[] = [];
  private head = 0;
  private readonly waiters: Array<Waiter<T>> = [];
  private pendingError: unknown = undefined;
  private hasError = false;
  private full = false;
  private closed = false;

  constructor(options: BufferedPollBridgeOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new DanubeConnectError(
        'usage',
        'BufferedPollBridge: capacity must be a whole number ≥ 1',
      );
    }
    const maxBatch = options.maxBatch ?? options.capacity;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new DanubeConnectError(
        'usage',
        'BufferedPollBridge: maxBatch must be a whole number ≥ 1',
      );
    }
    this.capacity = options.capacity;
    this.maxBatch = maxBatch;
    this.onFull = options.onFull;
    this.onRoom = options.onRoom;
  }

  /** Items currently buffered (not counting waiting `pushWhenRoom` calls). */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Items waiting in `pushWhenRoom` for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Stores `item` and returns `true`, or returns `false` without storing it when the buffer
   * is full, someone is waiting in `pushWhenRoom`, or the bridge is closed.
   */
  push(item: T): boolean {
    if (this.closed || this.waiters.length > 0 || this.size >= this.capacity) {
      this.markFullIfNeeded();
      return false;
    }
    this.items.push(item);
    this.markFullIfNeeded();
    return true;
  }

  /**
   * Stores `item`, waiting for room first when full. Rejects with the signal's reason when
   * aborted (the item is then not stored) or with an Error when the bridge is closed.
   */
  pushWhenRoom(item: T, signal?: AbortSignal): Promise<void> {
    if (this.closed)
      return Promise.reject(new DanubeConnectError('stopping', 'BufferedPollBridge is closed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.push(item)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortReason(signal));
      };
      const waiter: Waiter<T> = {
        item,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Makes a later `drain()` throw `error` once the items buffered before it are drained.
   * Use it to surface an SDK error callback through `poll`.
   */
  fail(error: unknown): void {
    this.pendingError = error;
    this.hasError = true;
  }

  /**
   * Removes and returns up to `max` items (default `maxBatch`) in arrival order; `[]` when
   * empty. Throws the error given to `fail()` when the buffer is empty.
   */
  drain(max: number = this.maxBatch): T[] {
    const count = Math.min(max, this.size);
    if (count === 0) {
      if (this.hasError) {
        const error = this.pendingError;
        this.hasError = false;
        this.pendingError = undefined;
        throw error;
      }
      return [];
    }
    const out = this.items.slice(this.head, this.head + count);
    this.head += count;
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.admitWaiters();
    return out;
  }

  /** Stops accepting items: `push` returns false, waiting and later `pushWhenRoom` calls reject. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.cleanup();
      waiter.reject(new DanubeConnectError('stopping', 'BufferedPollBridge is closed'));
    }
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.size < this.capacity) {
      const waiter = this.waiters.shift() as Waiter<T>;
      waiter.cleanup();
      this.items.push(waiter.item);
      waiter.resolve();
    }
    if (this.full && this.size < this.capacity && this.waiters.length === 0) {
      this.full = false;
      this.onRoom?.();
    }
    this.markFullIfNeeded();
  }

  private markFullIfNeeded(): void {
    if (!this.full && (this.size >= this.capacity || this.waiters.length > 0)) {
      this.full = true;
      this.onFull?.();
    }
  }
}
