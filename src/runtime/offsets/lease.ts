import { sleep, type Clock } from '../clock.js';
import { OffsetLockError } from './errors.js';
import { describeHolder, holderOf, type HolderRecord, type LockHolder } from './lock-holder.js';

/**
 * One try to take a lock. `staleMark` is set once the current holder was seen not to renew
 * for a whole lease: the try then takes the lock over if the holder's mark is still that one.
 */
export type LeaseAttempt = (staleMark: string | undefined) => Promise<LeaseOutcome>;

/** What one try found. */
export type LeaseOutcome =
  | { readonly status: 'acquired' }
  /** Held by a process known to be alive (same pid namespace, pid answering). */
  | { readonly status: 'alive'; readonly holder: HolderRecord | undefined }
  /**
   * Held, and the holder cannot be checked from here: `mark` changes whenever the holder
   * renews (a file's mtime, a row's renewal time).
   */
  | { readonly status: 'held'; readonly holder: HolderRecord | undefined; readonly mark: string };

/** Told once when a start-up has to watch a lock's lease before it can take it. */
export interface LeaseWait {
  readonly holder: LockHolder | undefined;
  /** Longest wait: one lease. */
  readonly waitMs: number;
}

/** Options of {@link acquireLease}. */
export interface AcquireLeaseOptions {
  attempt: LeaseAttempt;
  clock: Clock;
  leaseMs: number;
  /** What is locked, for the error: `offsets of orders-source (instance 0) in file …`. */
  what: string;
  onWait?: ((wait: LeaseWait) => void) | undefined;
}

/** How often a watched lease is looked at again. */
export function leasePollMs(leaseMs: number): number {
  return Math.min(1000, Math.max(20, Math.floor(leaseMs / 10)));
}

/**
 * Takes a lock whose holder must renew it every lease. A holder known dead or whose lease
 * expired is taken over at once (by the attempt); a holder known alive is refused at once.
 * A holder that cannot be checked (another host or container) is watched: renewing within a
 * lease proves it alive (refused), not renewing for a whole lease proves it dead (taken over).
 * So a live second instance is always refused, and a killed one never blocks a restart for
 * more than one lease.
 */
export async function acquireLease(options: AcquireLeaseOptions): Promise<void> {
  const { attempt, clock, leaseMs, what } = options;
  let watched: { token: string | undefined; mark: string; since: number } | undefined;
  let staleMark: string | undefined;
  for (;;) {
    const outcome = await attempt(staleMark);
    staleMark = undefined;
    if (outcome.status === 'acquired') return;
    const holder = outcome.holder === undefined ? undefined : holderOf(outcome.holder);
    if (outcome.status === 'alive') throw lockedError(what, holder, 'it is running');
    const token = outcome.holder?.token;
    if (watched === undefined || watched.token !== token) {
      watched = { token, mark: outcome.mark, since: clock.now() };
      options.onWait?.({ holder, waitMs: leaseMs });
    } else if (watched.mark !== outcome.mark) {
      throw lockedError(what, holder, 'it renewed its lease');
    } else if (clock.now() - watched.since >= leaseMs) {
      staleMark = outcome.mark;
      continue;
    }
    await sleep(clock, leasePollMs(leaseMs));
  }
}

function lockedError(what: string, holder: LockHolder | undefined, proof: string): OffsetLockError {
  return new OffsetLockError(
    `${what} are locked by another process (${describeHolder(holder)}; ${proof}): is a second instance with the same connector_name and offsets.instance_index running? Stop it, or give this one another instance_index`,
    holder,
  );
}
