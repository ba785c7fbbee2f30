import { asError, DanubeConnectError } from '../errors.js';

interface Lane<T> {
  queue: T[];
  head: number;
  inflight: number;
}

/**
 * Per-partition-topic ordering: at most `limit` items of one lane are being worked on at a
 * time (`processing.max_inflight_per_partition`, default 1 = strictly ordered), lanes run
 * independently of each other, and an item starts the moment its lane has room (no
 * batching delay).
 *
 * `start(item)` runs one item; the lane counts it as in flight until its promise settles.
 * `start` must handle its own errors: a rejection is reported to `onError` and the lane
 * carries on.
 */
export class PartitionLanes<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  private readonly limit: number;
  private readonly start: (item: T, lane: string) => Promise<void>;
  private readonly onError: (error: unknown) => void;
  private queuedCount = 0;
  private inflightCount = 0;

  constructor(
    limit: number,
    start: (item: T, lane: string) => Promise<void>,
    onError: (error: unknown) => void = () => undefined,
  ) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new DanubeConnectError(
        'internal',
        `max in flight per partition must be a whole number ≥ 1, got ${limit}`,
      );
    }
    this.limit = limit;
    this.start = start;
    this.onError = onError;
  }

  /** Items waiting for room in their lane. */
  get queued(): number {
    return this.queuedCount;
  }

  /** Items being worked on, over all lanes. */
  get inflight(): number {
    return this.inflightCount;
  }

  /** Adds `item` to the end of `lane`; starts it at once if the lane has room. */
  push(lane: string, item: T): void {
    let state = this.lanes.get(lane);
    if (state === undefined) {
      state = { queue: [], head: 0, inflight: 0 };
      this.lanes.set(lane, state);
    }
    if (state.inflight < this.limit && state.head === state.queue.length) {
      this.run(lane, state, item);
      return;
    }
    state.queue.push(item);
    this.queuedCount += 1;
  }

  /** Removes and returns every item not started yet (shutdown deadline, fatal stop). */
  takeQueued(filter?: (lane: string) => boolean): T[] {
    const out: T[] = [];
    for (const [name, state] of this.lanes) {
      if (filter !== undefined && !filter(name)) continue;
      out.push(...state.queue.slice(state.head));
      this.queuedCount -= state.queue.length - state.head;
      state.queue = [];
      state.head = 0;
    }
    return out;
  }

  private run(lane: string, state: Lane<T>, item: T): void {
    state.inflight += 1;
    this.inflightCount += 1;
    let promise: Promise<void>;
    try {
      promise = this.start(item, lane);
    } catch (error) {
      promise = Promise.reject(asError(error));
    }
    promise.then(
      () => this.finish(lane, state),
      (error: unknown) => {
        this.onError(error);
        this.finish(lane, state);
      },
    );
  }

  private finish(lane: string, state: Lane<T>): void {
    state.inflight -= 1;
    this.inflightCount -= 1;
    while (state.inflight < this.limit && state.head < state.queue.length) {
      const next = state.queue[state.head] as T;
      state.head += 1;
      this.queuedCount -= 1;
      if (state.head === state.queue.length) {
        state.queue = [];
        state.head = 0;
      } else if (state.head > 1024 && state.head * 2 > state.queue.length) {
        state.queue = state.queue.slice(state.head);
        state.head = 0;
      }
      this.run(lane, state, next);
    }
    if (state.inflight === 0 && state.queue.length === 0) this.lanes.delete(lane);
  }
}
