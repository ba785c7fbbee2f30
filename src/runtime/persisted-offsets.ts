import type { Offset } from '../connector/offset.js';
import type { OffsetStore, ResettableOffsetStore } from './offsets/offset-store.js';
import { fromStoredOffset, toStoredOffset } from './offsets/stored-offset.js';
import { DanubeConnectError, errorMessage, isDanubeConnectError } from '../errors.js';

/**
 * The runtime's side of an {@link OffsetStore}: locked and loaded before the connector's
 * `initialize`, saved before each of its `commit()` calls, closed at the stop (abandoned,
 * lock kept, when the runtime is stopped hard). A store's failure keeps its kind when that is
 * not retryable (a lost lock is `fatal`, a bad setting `config`); otherwise a failed save is
 * `retryable` (the commit retries) and a failed start `fatal`.
 */
export class PersistedOffsets {
  /** The offsets loaded at start. */
  readonly loaded: readonly Offset[];
  readonly #store: OffsetStore;
  #abandoned = false;

  private constructor(store: OffsetStore, loaded: readonly Offset[]) {
    this.#store = store;
    this.loaded = loaded;
  }

  /** Takes the store's lock and loads its offsets; releases the lock again if loading fails. */
  static async open(store: OffsetStore): Promise<PersistedOffsets> {
    try {
      await store.lock();
    } catch (error) {
      throw startError(store, 'cannot take its lock', error);
    }
    try {
      const stored = await store.load();
      return new PersistedOffsets(
        store,
        stored.map((s) => fromStoredOffset(s, `offsets store ${store.description}`)),
      );
    } catch (error) {
      await store.close().catch(() => undefined);
      throw startError(store, 'cannot load the offsets', error);
    }
  }

  /** Where the offsets are kept. */
  get description(): string {
    return this.#store.description;
  }

  /** Saves the committed offsets; resolves once they are durable. */
  async save(offsets: readonly Offset[]): Promise<void> {
    if (this.#abandoned) {
      throw new DanubeConnectError('fatal', 'the offsets store was abandoned (hard stop)');
    }
    try {
      await this.#store.save(offsets.map(toStoredOffset));
    } catch (error) {
      if (isDanubeConnectError(error) && !error.retryable) throw error;
      throw new DanubeConnectError(
        'retryable',
        `saving offsets to ${this.#store.description} failed: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }

  /** Releases the lock. */
  async close(): Promise<void> {
    await this.#store.close();
  }

  /** Stops the store as a crash would: no more saves, the lock left to go stale. */
  abandon(): void {
    this.#abandoned = true;
    const store = this.#store as Partial<ResettableOffsetStore>;
    if (typeof store.abandon === 'function') store.abandon();
  }
}

function startError(store: OffsetStore, what: string, error: unknown): Error {
  if (isDanubeConnectError(error) && !error.retryable) return error;
  return new DanubeConnectError(
    'fatal',
    `offsets store ${store.description}: ${what}: ${errorMessage(error)}`,
    { cause: error },
  );
}
