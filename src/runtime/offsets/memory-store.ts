import { OffsetLockError } from './errors.js';
import type { ResettableOffsetStore } from './offset-store.js';
import type { StoredOffset } from './stored-offset.js';

/**
 * Offsets kept in memory, shared by the stores {@link InMemoryOffsets.store} hands out (one
 * per runtime, as each process opens its own): they survive a runtime, not the process. For
 * the conformance kit and tests: restarts, crashes (an abandoned store's lock is stale) and a
 * second live instance (refused).
 */
export class InMemoryOffsets {
  /** The saved offsets by partition. */
  readonly offsets = new Map<string, StoredOffset>();
  /** Every save, in order (what each commit persisted). */
  readonly saves: StoredOffset[][] = [];
  /** The store holding the lock, while one does. */
  holder: InMemoryOffsetStore | undefined;

  /** A new store over these offsets (a new "process"). */
  store(description = 'memory'): InMemoryOffsetStore {
    return new InMemoryOffsetStore(this, description);
  }
}

/** One runtime's handle on {@link InMemoryOffsets}. */
export class InMemoryOffsetStore implements ResettableOffsetStore {
  readonly description: string;
  readonly #shared: InMemoryOffsets;
  #abandoned = false;

  constructor(shared: InMemoryOffsets, description: string) {
    this.#shared = shared;
    this.description = description;
  }

  lock(): Promise<void> {
    const holder = this.#shared.holder;
    if (holder !== undefined && holder !== this && !holder.#abandoned) {
      return Promise.reject(
        new OffsetLockError(
          `offsets in ${this.description} are locked by another store`,
          undefined,
        ),
      );
    }
    this.#shared.holder = this;
    return Promise.resolve();
  }

  load(): Promise<StoredOffset[]> {
    return Promise.resolve([...this.#shared.offsets.values()]);
  }

  save(offsets: readonly StoredOffset[]): Promise<void> {
    return this.#write(offsets, false);
  }

  replace(offsets: readonly StoredOffset[]): Promise<void> {
    return this.#write(offsets, true);
  }

  close(): Promise<void> {
    if (this.#shared.holder === this) this.#shared.holder = undefined;
    return Promise.resolve();
  }

  abandon(): void {
    this.#abandoned = true;
  }

  #write(offsets: readonly StoredOffset[], replace: boolean): Promise<void> {
    if (this.#shared.holder !== this || this.#abandoned) {
      return Promise.reject(
        new OffsetLockError(
          `offsets in ${this.description}: this store does not hold the lock`,
          undefined,
        ),
      );
    }
    if (replace) this.#shared.offsets.clear();
    for (const offset of offsets) this.#shared.offsets.set(offset.partition, offset);
    this.#shared.saves.push([...offsets]);
    return Promise.resolve();
  }
}
