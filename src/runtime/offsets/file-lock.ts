import { link, open, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, TimerHandle } from '../clock.js';
import { OffsetLockError } from './errors.js';
import { acquireLease, type LeaseOutcome, type LeaseWait } from './lease.js';
import {
  describeHolder,
  holderOf,
  holderState,
  markHeld,
  newHolderRecord,
  parseHolderRecord,
  type HolderRecord,
} from './lock-holder.js';
import { writeFileDurably } from './atomic-file.js';
import { DanubeConnectError } from '../../errors.js';

/** Options of {@link FileLock}. */
export interface FileLockOptions {
  /** The lock file. */
  file: string;
  leaseMs: number;
  clock: Clock;
  /** Wall-clock milliseconds, compared with file times (default `Date.now`). */
  wallClock?: () => number;
  /** What is locked, for errors. */
  what: string;
  onWait?: ((wait: LeaseWait) => void) | undefined;
}

/** A lock file as read: its holder (if readable), mtime and the mark that changes on renewal. */
interface LockFileView {
  record: HolderRecord | undefined;
  mtimeMs: number;
  mark: string;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * A lock file with a lease, for a folder several processes (hosts, containers) may share.
 * Node has no `flock`, and a pid alone says nothing across containers (each connector is pid
 * 1 in its own), so:
 *
 * - Taking it: the holder (token, host, pid, start time, pid namespace) is written to a
 *   temporary file that is then hard-linked to the lock's name, which fails when the name
 *   exists: creation is atomic and the content complete.
 * - Holding it: the holder renews its lease by touching the file (mtime) every third of
 *   `lease`, and checks before each save that the file still carries its token.
 * - Finding it stale: a holder in this pid namespace is checked directly (no such pid → dead,
 *   at once). One in another host or container is dead when its mtime is older than a lease,
 *   or when it did not change while watched for a whole lease (which needs no clock agreement).
 *   A stale lock is renamed away, checked to be the one judged, and replaced.
 */
export class FileLock {
  readonly #options: FileLockOptions;
  readonly #wallClock: () => number;
  #record: HolderRecord | undefined;
  #timer: TimerHandle | undefined;
  #lost: OffsetLockError | undefined;

  constructor(options: FileLockOptions) {
    this.#options = options;
    this.#wallClock = options.wallClock ?? Date.now;
  }

  /** Takes the lock (see the class comment); rejects with an `OffsetLockError` naming the holder. */
  async acquire(): Promise<void> {
    const { file, clock, leaseMs, what, onWait } = this.#options;
    const record = newHolderRecord();
    const candidate = `${file}.${record.token}.tmp`;
    await removeAbandonedCandidates(file, this.#wallClock() - leaseMs);
    await writeFileDurably(candidate, `${JSON.stringify(record, null, 2)}\n`);
    try {
      await acquireLease({
        clock,
        leaseMs,
        what,
        onWait,
        attempt: (staleMark) => this.#attempt(candidate, record, staleMark),
      });
    } finally {
      await unlink(candidate).catch(() => undefined);
    }
    this.#record = record;
    this.#lost = undefined;
    markHeld(record.token, true);
    await this.#touch();
    this.#scheduleRenewal();
  }

  /** Rejects with an `OffsetLockError` when the lock is no longer this process's. */
  async verify(): Promise<void> {
    if (this.#lost !== undefined) throw this.#lost;
    const record = this.#record;
    if (record === undefined)
      throw new DanubeConnectError('internal', `${this.#options.file}: the lock is not taken`);
    const view = await this.#read(this.#options.file);
    if (view?.record?.token === record.token) return;
    this.#lost = new OffsetLockError(
      `${this.#options.what}: this process lost its lock to another one (${view === undefined ? 'the lock file is gone' : describeHolder(view.record === undefined ? undefined : holderOf(view.record))}); its lease was not renewed in time`,
      view?.record === undefined ? undefined : holderOf(view.record),
    );
    this.#stopRenewal();
    throw this.#lost;
  }

  /** Releases the lock (removes the file if it is still this process's). */
  async release(): Promise<void> {
    const record = this.#record;
    this.#stopRenewal();
    this.#record = undefined;
    if (record === undefined) return;
    markHeld(record.token, false);
    const view = await this.#read(this.#options.file);
    if (view?.record?.token === record.token)
      await unlink(this.#options.file).catch(() => undefined);
  }

  /** Stops renewing without releasing, as a killed process would. */
  abandon(): void {
    this.#stopRenewal();
    if (this.#record !== undefined) markHeld(this.#record.token, false);
    this.#record = undefined;
  }

  async #attempt(
    candidate: string,
    record: HolderRecord,
    staleMark: string | undefined,
  ): Promise<LeaseOutcome> {
    const { file, leaseMs } = this.#options;
    for (let breakMark = staleMark; ; breakMark = undefined) {
      try {
        await link(candidate, file);
        return { status: 'acquired' };
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const view = await this.#read(file);
      if (view === undefined) continue; // released meanwhile: try again
      if (view.record?.token === record.token) return { status: 'acquired' };
      const state = view.record === undefined ? 'unknown' : holderState(view.record);
      const expired = this.#wallClock() - view.mtimeMs > leaseMs;
      if (state === 'dead' || expired || view.mark === breakMark) {
        await this.#breakStale(view);
        continue;
      }
      if (state === 'alive') return { status: 'alive', holder: view.record };
      return { status: 'held', holder: view.record, mark: view.mark };
    }
  }

  /** Moves the judged-stale lock away; puts it back if it turns out to be another one. */
  async #breakStale(judged: LockFileView): Promise<void> {
    const { file } = this.#options;
    const moved = `${file}.${judged.record?.token ?? 'unknown'}.${process.pid}.stale`;
    try {
      await rename(file, moved);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    const view = await this.#read(moved);
    if (view !== undefined && view.mark !== judged.mark) {
      // Another process replaced the stale lock between our look and the rename: restore it.
      await link(moved, file).catch((error: unknown) => {
        if (errorCode(error) !== 'EEXIST') throw error;
      });
    }
    await unlink(moved).catch(() => undefined);
  }

  async #read(file: string): Promise<LockFileView | undefined> {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      // One descriptor for both: the content and mtime of the same file, even if renamed meanwhile.
      const [info, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
      let record: HolderRecord | undefined;
      try {
        record = parseHolderRecord(JSON.parse(text));
      } catch {
        record = undefined;
      }
      return { record, mtimeMs: info.mtimeMs, mark: `${record?.token ?? '?'}@${info.mtimeMs}` };
    } finally {
      await handle.close();
    }
  }

  #scheduleRenewal(): void {
    const { clock, leaseMs } = this.#options;
    this.#timer = clock.setTimeout(
      () => {
        this.#timer = undefined;
        void this.#renew().then(() => {
          if (this.#record !== undefined && this.#lost === undefined) this.#scheduleRenewal();
        });
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
  }

  async #renew(): Promise<void> {
    try {
      await this.verify();
      await this.#touch();
    } catch {
      // A lost lock is reported by the next save; an I/O error is retried at the next renewal.
    }
  }

  /** Sets the lock file's mtime to now: the lease starts again. */
  async #touch(): Promise<void> {
    const seconds = this.#wallClock() / 1000;
    await utimes(this.#options.file, seconds, seconds);
  }

  #stopRenewal(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Removes candidate and stale files of acquirers that were killed (older than `before`). */
async function removeAbandonedCandidates(file: string, before: number): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !(name.endsWith('.tmp') || name.endsWith('.stale'))) continue;
    const full = path.join(dir, name);
    const info = await stat(full).catch(() => undefined);
    if (info !== undefined && info.mtimeMs < before) await unlink(full).catch(() => undefined);
  }
}
