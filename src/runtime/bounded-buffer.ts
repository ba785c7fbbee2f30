import { abortReason } from './clock.js';
import { DanubeConnectError } from '../errors.js';

interface RoomWaiter {
  need: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Waiter {
  admit: (() => void) | undefined;
  resolve: () => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Backpressure for the data path: counts envelopes the runtime accepted and has not settled
 * yet (queued + in flight) and makes intake wait while that count is at `capacity`
 * (`processing.buffer_size`). Waiters are admitted first come, first served, so the
 * hand-over order is the order in which `acquire` was called.
 */
export class BoundedBuffer {
  /** Most envelopes accepted and not yet settled. */
  readonly capacity: number;
  private count = 0;
  private peakCount = 0;
  private readonly waiters: Waiter[] = [];
  private roomWaiters: RoomWaiter[] = [];
  private emptyWaiters: Array<() => void> = [];
  private closedWith: Error | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new DanubeConnectError(
        'internal',
        `buffer capacity must be a whole number ≥ 1, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** Envelopes accepted and not yet settled. */
  get size(): number {
    return this.count;
  }

  /** Highest `size` seen. */
  get peak(): number {
    return this.peakCount;
  }

  /** Callers waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes one slot at once when there is room and nobody is waiting; otherwise false. */
  tryAcquire(): boolean {
    if (this.closedWith !== undefined || this.waiters.length > 0 || this.count >= this.capacity) {
      return false;
    }
    this.take();
    return true;
  }

  /**
   * Takes one slot, waiting (in call order) while the buffer is full. `onAdmit` runs
   * synchronously the moment the slot is granted, before any later caller is admitted, so
   * work done there keeps the call order. Rejects when the buffer is closed or `signal`
   * aborts while waiting (then `onAdmit` never runs).
   */
  acquire(signal?: AbortSignal, onAdmit?: () => void): Promise<void> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    if (this.tryAcquire()) {
      onAdmit?.();
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { admit: onAdmit, resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /**
   * Resolves once `slots` slots (at most `capacity`) are free and nobody waits in
   * {@link BoundedBuffer.acquire}; at once if that holds now. A single producer holding many
   * envelopes (the poll loop) waits here once and then takes the slots with
   * {@link BoundedBuffer.tryAcquire}, instead of one wait per envelope. Rejects once closed.
   */
  whenRoom(slots: number): Promise<void> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    const need = Math.min(Math.max(1, slots), this.capacity);
    if (this.hasRoom(need)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.roomWaiters.push({ need, resolve, reject }));
  }

  /** Gives back `n` slots (settled envelopes) and admits waiters. */
  release(n = 1): void {
    this.count -= n;
    if (this.count < 0)
      throw new DanubeConnectError('internal', 'BoundedBuffer released more slots than acquired');
    while (this.waiters.length > 0 && this.count < this.capacity) {
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.take();
      waiter.admit?.();
      waiter.resolve();
    }
    if (this.roomWaiters.length > 0) {
      this.roomWaiters = this.roomWaiters.filter((waiter) => {
        if (!this.hasRoom(waiter.need)) return true;
        waiter.resolve();
        return false;
      });
    }
    if (this.count === 0 && this.emptyWaiters.length > 0) {
      const list = this.emptyWaiters;
      this.emptyWaiters = [];
      for (const resolve of list) resolve();
    }
  }

  /** Resolves once nothing is accepted-and-unsettled (at once if already so). */
  whenEmpty(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  /** Refuses further `acquire` calls with `error` and rejects the waiting ones with it. */
  close(error: Error): void {
    this.closedWith ??= error;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(this.closedWith);
    }
    for (const waiter of this.roomWaiters.splice(0)) waiter.reject(this.closedWith);
  }

  private hasRoom(slots: number): boolean {
    return this.waiters.length === 0 && this.capacity - this.count >= slots;
  }

  private take(): void {
    this.count += 1;
    if (this.count > this.peakCount) this.peakCount = this.count;
  }
}
