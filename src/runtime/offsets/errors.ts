import { DanubeConnectError } from '../../errors.js';
import type { LockHolder } from './lock-holder.js';

/**
 * The offsets of this connector instance are locked by another live process (a second
 * instance with the same `connector_name` and `offsets.instance_index`), or this process lost
 * its lock to another one. Kind `fatal`: the runtime stops rather than write offsets another process
 * writes too.
 *
 * @example
 * ```ts
 * try { await runtime.run(); }
 * catch (err) { if (err instanceof OffsetLockError) console.error(`held by ${err.holder?.host}`); }
 * ```
 */
export class OffsetLockError extends DanubeConnectError {
  override readonly name: string = 'OffsetLockError';
  declare readonly kind: 'fatal';
  /** The process holding the lock, when known. */
  readonly holder: LockHolder | undefined;

  /**
   * @param message - names the store and the holder
   * @param holder - the process holding the lock, when known
   * @param options - the underlying error
   */
  constructor(message: string, holder: LockHolder | undefined, options: { cause?: unknown } = {}) {
    super('fatal', message, options);
    this.holder = holder;
  }
}
