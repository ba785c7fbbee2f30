/**
 * An unbounded push queue read as an async iterator: producers `push`, one reader
 * `for await`s. `end()` finishes the iteration after the queued items; `fail(error)`
 * makes the next read throw.
 */
export class MessageQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<{
    resolve: (result: IteratorResult<T>) => void;
    reject: (error: Error) => void;
  }> = [];
  private ended = false;
  private failure: Error | undefined;

  /** @param onRead called after each read with the number of items still queued (for flow control). */
  constructor(private readonly onRead?: (remaining: number) => void) {}

  /** Items waiting to be read. */
  get size(): number {
    return this.items.length;
  }

  /** Whether `end()` or `fail()` was called. */
  get isEnded(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /** Adds an item (ignored after the end). */
  push(item: T): void {
    if (this.isEnded) return;
    const reader = this.waiting.shift();
    if (reader) reader.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  /** Ends the iteration once the queued items are read. */
  end(): void {
    if (this.isEnded) return;
    this.ended = true;
    for (const reader of this.waiting.splice(0)) reader.resolve({ value: undefined, done: true });
  }

  /** Ends the iteration with an error (after the queued items). */
  fail(error: Error): void {
    if (this.isEnded) return;
    this.failure = error;
    for (const reader of this.waiting.splice(0)) reader.reject(error);
  }

  /** Reads the next item. */
  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      this.onRead?.(this.items.length);
      return Promise.resolve({ value: item, done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /**
   * An iterator over the queue. Leaving a `for await` loop early (`break`) does not end
   * the queue: another loop continues where the previous one stopped.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }
}
