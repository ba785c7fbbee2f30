import type { StoredOffset } from './stored-offset.js';

/**
 * Where the runtime keeps the committed offsets of one connector instance
 * (`connector_name`, `offsets.instance_index`). Built in: a file and a PostgreSQL table,
 * chosen with `[offsets] store`; implement this interface for anything else and pass it as
 * `SourceRuntimeOptions.offsetStore`.
 *
 * The runtime calls `lock()` then `load()` before the connector's `initialize`, `save()`
 * before each of the connector's `commit()` calls (never two at once), and `close()` once
 * when it stops (not after a crash: a lock must not outlive a dead holder for long).
 *
 * @example
 * ```ts
 * class KeyValueOffsetStore implements OffsetStore {
 *   readonly description = 'key-value store, key orders-source/0';
 *   constructor(private readonly kv: KeyValue) {}
 *   async lock() {} // one instance only: nothing to take
 *   async load() {
 *     return JSON.parse((await this.kv.get('orders-source/0')) ?? '[]') as StoredOffset[];
 *   }
 *   async save(offsets: readonly StoredOffset[]) {
 *     const all = new Map((await this.load()).map((o) => [o.partition, o]));
 *     for (const offset of offsets) all.set(offset.partition, offset);
 *     await this.kv.set('orders-source/0', JSON.stringify([...all.values()]));
 *   }
 *   async close() {}
 * }
 * ```
 */
export interface OffsetStore {
  /** Where the offsets are, for logs and errors (`file /var/lib/orders/orders-source.0.offsets.json`). */
  readonly description: string;
  /**
   * Takes this instance's lock, so a second live instance cannot write the same offsets:
   * rejects (an `OffsetLockError` naming the holder) when another live process holds it;
   * takes over a lock whose holder is dead. Resolve at once if the backend has no locks (then
   * never run two instances with the same name and index).
   */
  lock(): Promise<void>;
  /** The offsets saved so far, one per partition (empty when none). */
  load(): Promise<StoredOffset[]>;
  /**
   * Durably saves `offsets` (one per partition), replacing those partitions' offsets and
   * keeping the others; resolves once a crash can no longer lose them. Rejects with an
   * `OffsetLockError` when the lock was lost to another process.
   */
  save(offsets: readonly StoredOffset[]): Promise<void>;
  /** Releases the lock and any connection. */
  close(): Promise<void>;
}

/** The built-in stores, which `danube-connect offsets reset` can also rewrite. */
export interface ResettableOffsetStore extends OffsetStore {
  /** Makes the stored offsets exactly `offsets` (partitions not listed are removed). */
  replace(offsets: readonly StoredOffset[]): Promise<void>;
  /**
   * Stops renewing the lock without releasing it, as a killed process would (the crash
   * round of the conformance kit and tests simulate crashes with it).
   */
  abandon(): void;
}

/** Whose offsets a store keeps: one instance of one connector. */
export interface OffsetScope {
  /** `connector_name`. */
  readonly connector: string;
  /** `offsets.instance_index`. */
  readonly instance: number;
}
