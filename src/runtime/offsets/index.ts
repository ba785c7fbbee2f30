/**
 * Offsets kept by the runtime: the store interface, the stored form of an offset, and the
 * lock error. The built-in stores (file, PostgreSQL) are chosen in `[offsets]`.
 */
export { OffsetLockError } from './errors.js';
export type { OffsetStore } from './offset-store.js';
export type { StoredOffset, StoredOffsetType } from './stored-offset.js';
export type { LockHolder } from './lock-holder.js';
