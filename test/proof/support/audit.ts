import type { Offset } from '../../../src/connector/offset.js';
import { SOURCE_PARTITION, seqOf } from './sequence.js';

/** What the checks need from a message the broker stored. */
export interface StoredLike {
  payload: Buffer;
  key?: string | undefined;
  attributes: Record<string, string>;
}

/** What a run delivered, compared with what the source produced. */
export interface DeliveryAudit {
  /** Records that had to reach the broker. */
  expected: number;
  /** Messages stored, duplicates included. */
  stored: number;
  /** Expected records missing from the broker. */
  lost: number[];
  /** Stored messages beyond the first copy of each record. */
  duplicates: number;
  /** Keys whose first copies are not in increasing seq order within a partition topic. */
  orderViolations: string[];
  /**
   * Partition topics whose first copies are not in increasing seq order at all: the
   * default ordered mode keeps hand-over order per partition topic, not only per key.
   */
  partitionOrderViolations: string[];
  /** Records stored without their key or attributes. */
  metadataMismatches: number[];
}

/**
 * Compares the broker's stored messages (per partition topic) with the seqs the source
 * produced. Order is checked per routing key within each partition topic, on the first
 * copy of each record (a retry duplicate may follow later).
 */
export function auditDelivery(
  storedByTopic: ReadonlyMap<string, readonly StoredLike[]>,
  expectedSeqs: Iterable<number>,
): DeliveryAudit {
  const expected = new Set(expectedSeqs);
  const seen = new Set<number>();
  let stored = 0;
  let duplicates = 0;
  const orderViolations: string[] = [];
  const partitionOrderViolations: string[] = [];
  const metadataMismatches: number[] = [];
  for (const [topic, messages] of storedByTopic) {
    const lastPerKey = new Map<string, number>();
    let lastInTopic = -1;
    for (const message of messages) {
      stored += 1;
      const seq = seqOf(message.payload);
      if (seen.has(seq)) {
        duplicates += 1;
        continue;
      }
      seen.add(seq);
      if (message.attributes.seq !== String(seq) || message.attributes.origin !== 'proof')
        metadataMismatches.push(seq);
      const key = message.key ?? '';
      const previous = lastPerKey.get(key);
      if (previous !== undefined && previous > seq) {
        orderViolations.push(`${topic} key "${key}": ${seq} stored after ${previous}`);
      }
      lastPerKey.set(key, seq);
      if (seq < lastInTopic)
        partitionOrderViolations.push(`${topic}: ${seq} stored after ${lastInTopic}`);
      lastInTopic = Math.max(lastInTopic, seq);
    }
  }
  const lost = [...expected].filter((seq) => !seen.has(seq)).sort((a, b) => a - b);
  return {
    expected: expected.size,
    stored,
    lost,
    duplicates,
    orderViolations,
    partitionOrderViolations,
    metadataMismatches,
  };
}

/**
 * Checks each commit against what the broker holds at that moment: a committed offset
 * `source@n` is ahead of the data when any record `≤ n` that had to be published is not
 * stored yet. Records the policy skipped or dead-lettered are exempt (`exempt`).
 */
export class CommitAuditor {
  /** One line per commit that was ahead of the stored data. */
  readonly violations: string[] = [];
  /** Offsets seen per commit call. */
  calls = 0;
  readonly #storedSeqs: () => ReadonlySet<number>;
  readonly #first: number;
  readonly #exempt: (seq: number) => boolean;

  constructor(options: {
    storedSeqs: () => ReadonlySet<number>;
    first?: number;
    exempt?: (seq: number) => boolean;
  }) {
    this.#storedSeqs = options.storedSeqs;
    this.#first = options.first ?? 0;
    this.#exempt = options.exempt ?? (() => false);
  }

  /** Use as `auditCommit` of a proof connector. */
  readonly check = (offsets: readonly Offset[]): void => {
    this.calls += 1;
    const stored = this.#storedSeqs();
    for (const offset of offsets) {
      if (offset.partition !== SOURCE_PARTITION) continue;
      const upTo = Number(offset.value);
      for (let seq = this.#first; seq <= upTo; seq += 1) {
        if (!stored.has(seq) && !this.#exempt(seq)) {
          this.violations.push(`commit ${offset.toString()} while record ${seq} was not stored`);
          break;
        }
      }
    }
  };
}

/** The seqs stored across the given partition topics. */
export function storedSeqs(storedByTopic: ReadonlyMap<string, readonly StoredLike[]>): Set<number> {
  const seqs = new Set<number>();
  for (const messages of storedByTopic.values())
    for (const m of messages) seqs.add(seqOf(m.payload));
  return seqs;
}
