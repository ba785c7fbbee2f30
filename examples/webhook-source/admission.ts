/**
 * Bounds the events this connector has handed to the runtime and not yet seen settled. Kept at
 * the runtime's `processing.buffer_size`, it guarantees `sender.send` never waits for buffer
 * room: a request that cannot get a slot within a short time is answered 503 instead of
 * hanging on a full buffer (and is then certainly not published).
 */
export class Admission {
  private inUse = 0;
  private readonly waiters: Array<(admitted: boolean) => void> = [];

  constructor(readonly capacity: number) {}

  /** Takes a slot, waiting up to `timeoutMs` for one; false when none freed up in time. */
  acquire(timeoutMs: number): Promise<boolean> {
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.inUse += 1;
      return Promise.resolve(true);
    }
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = (admitted: boolean): void => {
        clearTimeout(timer);
        resolve(admitted);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Gives a slot back, handing it straight to the longest waiter if any. */
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next(true);
    else this.inUse -= 1;
  }

  /** Slots taken. */
  get size(): number {
    return this.inUse;
  }
}
