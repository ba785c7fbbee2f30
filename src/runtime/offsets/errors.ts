import { ConnectorError } from '../../connector/errors.js';
import type { LockHolder } from './lock-holder.js';

/**
 * The offsets of this connector instance are locked by another live process (a second
 * instance with the same `connector_name` and `offsets.instance_index`), or this process lost
 * its lock to another one. Fatal: the runtime stops rather than write offsets another process
 * writes too.
 *
 * @example
 * ```ts
 * try { await runtime.run(); }
 * catch (err) { if (err instanceof OffsetLockError) console.error(`held by ${err.holder?.host}`); }
 * ```
 */
export class OffsetLockError extends ConnectorError {
  override readonly name = 'OffsetLockError';
  /** The process holding the lock, when known. */
  readonly holder: LockHolder | undefined;

  constructor(message: string, holder: LockHolder | undefined, options: { cause?: unknown } = {}) {
    super('fatal', message, options);
    this.holder = holder;
  }
}
