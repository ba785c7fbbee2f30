import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

/** Who holds an offsets lock, as the error refusing a second instance names it. */
export interface LockHolder {
  /** Host name of the holder (a pod name in Kubernetes). */
  readonly host: string;
  /** Process id of the holder (1 in most containers). */
  readonly pid: number;
  /** When the holder's process started (ISO 8601). */
  readonly startedAt: string;
  /**
   * The holder's process-id namespace: on Linux the boot id and pid namespace, elsewhere the
   * host. Only within the same namespace can `pid` be checked for a live process.
   */
  readonly processNamespace?: string | undefined;
}

/** A lock holder as stored in a lock file or lease row: the holder plus its secret token. */
export interface HolderRecord {
  readonly token: string;
  readonly host: string;
  readonly pid: number;
  readonly started_at: string;
  readonly process_namespace?: string | undefined;
}

/** What a look at a holder can tell. */
export type HolderState = 'alive' | 'dead' | 'unknown';

/** Tokens of the locks held by stores in this process (a second store here must be refused). */
const heldHere = new Set<string>();

let namespace: string | undefined | null = null;

/**
 * This process's pid namespace. On Linux: the boot id and the inode of `/proc/self/ns/pid`,
 * unique among live namespaces, so equal values mean "the same pid space, now". Every
 * container has its own, which is why a bare pid says nothing there (every connector is
 * pid 1). Other systems have one pid space per host.
 */
export function processNamespace(): string | undefined {
  if (namespace !== null) return namespace;
  if (process.platform === 'linux') {
    try {
      const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      namespace = `linux:${boot}:${readlinkSync('/proc/self/ns/pid')}`;
    } catch {
      namespace = undefined;
    }
  } else {
    namespace = `host:${os.hostname()}`;
  }
  return namespace;
}

/** A new holder record for this process, with a fresh token. */
export function newHolderRecord(): HolderRecord {
  const startedAt = new Date(Date.now() - process.uptime() * 1000).toISOString();
  return {
    token: randomUUID(),
    host: os.hostname(),
    pid: process.pid,
    started_at: startedAt,
    process_namespace: processNamespace(),
  };
}

/** The public view of a holder record. */
export function holderOf(record: HolderRecord): LockHolder {
  return {
    host: record.host,
    pid: record.pid,
    startedAt: record.started_at,
    ...(record.process_namespace === undefined
      ? {}
      : { processNamespace: record.process_namespace }),
  };
}

/** Checks untrusted data (a lock file, a JSON column) as a holder record, or `undefined`. */
export function parseHolderRecord(raw: unknown): HolderRecord | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (
    typeof r.token !== 'string' ||
    typeof r.host !== 'string' ||
    typeof r.pid !== 'number' ||
    typeof r.started_at !== 'string'
  )
    return undefined;
  return {
    token: r.token,
    host: r.host,
    pid: r.pid,
    started_at: r.started_at,
    ...(typeof r.process_namespace === 'string' ? { process_namespace: r.process_namespace } : {}),
  };
}

/**
 * Whether the holder is alive, dead, or cannot be told from here. Only a holder in this
 * process's pid namespace can be checked: held by a store of this process → alive; its pid is
 * this process's own (and no store here holds it) → dead, a previous incarnation; otherwise
 * signal 0 answers (ESRCH: no such process → dead). Anything else is judged by its lease.
 */
export function holderState(record: HolderRecord): HolderState {
  if (heldHere.has(record.token)) return 'alive';
  const ours = processNamespace();
  if (ours === undefined || record.process_namespace !== ours) return 'unknown';
  if (record.pid === process.pid) return 'dead';
  try {
    process.kill(record.pid, 0);
    return 'alive';
  } catch (error) {
    return (error as { code?: unknown }).code === 'ESRCH' ? 'dead' : 'alive';
  }
}

/** Marks a lock as held by this process (`true`) or no longer (`false`). */
export function markHeld(token: string, held: boolean): void {
  if (held) heldHere.add(token);
  else heldHere.delete(token);
}

/** `host orders-0, pid 1, started 2026-05-01T10:00:00.000Z` */
export function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return 'an unknown holder';
  return `host ${holder.host}, pid ${holder.pid}, started ${holder.startedAt}`;
}
