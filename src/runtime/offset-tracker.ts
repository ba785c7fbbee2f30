import type { Offset } from '../connector/offset.js';

/** One tracked envelope's place in its offset partition. */
export interface OffsetTicket {
  readonly offset: Offset;
  /** Published, or finally skipped / dead-lettered by policy. */
  settled: boolean;
}

interface PartitionQueue {
  tickets: OffsetTicket[];
  head: number;
  /** Last offset of the settled prefix, not yet handed to a commit. */
  ready: Offset | undefined;
}

/**
 * Decides what may be committed. Per offset partition, envelopes are tracked in hand-over
 * order; the committable offset is the last one of the contiguous settled prefix, so a commit
 * is never ahead of an envelope that is not published (or finally skipped / dead-lettered),
 * whatever order sends complete in.
 *
 * @example
 * ```ts
 * const a = tracker.track(Offset.of('p', 1)), b = tracker.track(Offset.of('p', 2));
 * tracker.settle(b); tracker.take();   // [] — 1 is not settled yet
 * tracker.settle(a); tracker.take();   // [p@2]
 * ```
 */
export class OffsetTracker {
  private readonly partitions = new Map<string, PartitionQueue>();
  private readyPartitions = new Set<string>();
  private unsettledCount = 0;

  /** Tracked envelopes not settled yet, over all partitions. */
  get unsettled(): number {
    return this.unsettledCount;
  }

  /** Whether some offset is ready to commit. */
  get hasCommittable(): boolean {
    return this.readyPartitions.size > 0;
  }

  /** Starts tracking the next envelope of `offset.partition` (call in hand-over order). */
  track(offset: Offset): OffsetTicket {
    let queue = this.partitions.get(offset.partition);
    if (queue === undefined) {
      queue = { tickets: [], head: 0, ready: undefined };
      this.partitions.set(offset.partition, queue);
    }
    const ticket: OffsetTicket = { offset, settled: false };
    queue.tickets.push(ticket);
    this.unsettledCount += 1;
    return ticket;
  }

  /** Marks the ticket's envelope settled and advances its partition's settled prefix. */
  settle(ticket: OffsetTicket): void {
    if (ticket.settled) return;
    ticket.settled = true;
    this.unsettledCount -= 1;
    const queue = this.partitions.get(ticket.offset.partition);
    if (queue === undefined) return;
    let advanced: Offset | undefined;
    while (queue.head < queue.tickets.length) {
      const head = queue.tickets[queue.head] as OffsetTicket;
      if (!head.settled) break;
      advanced = head.offset;
      queue.head += 1;
    }
    if (queue.head === queue.tickets.length) {
      queue.tickets = [];
      queue.head = 0;
    } else if (queue.head > 1024 && queue.head * 2 > queue.tickets.length) {
      queue.tickets = queue.tickets.slice(queue.head);
      queue.head = 0;
    }
    if (advanced !== undefined) {
      queue.ready = advanced;
      this.readyPartitions.add(ticket.offset.partition);
    }
  }

  /** The committable offsets (one per partition that advanced), without taking them. */
  peek(): Offset[] {
    const out: Offset[] = [];
    for (const partition of this.readyPartitions) {
      const ready = this.partitions.get(partition)?.ready;
      if (ready !== undefined) out.push(ready);
    }
    return out;
  }

  /** Hands the committable offsets to a commit: they are not returned again unless restored. */
  take(): Offset[] {
    const out = this.peek();
    for (const partition of this.readyPartitions) {
      const queue = this.partitions.get(partition);
      if (queue !== undefined) queue.ready = undefined;
    }
    this.readyPartitions = new Set();
    return out;
  }

  /** Puts back offsets whose commit failed, unless their partition advanced further meanwhile. */
  restore(offsets: readonly Offset[]): void {
    for (const offset of offsets) {
      const queue = this.partitions.get(offset.partition);
      if (queue !== undefined && queue.ready === undefined) {
        queue.ready = offset;
        this.readyPartitions.add(offset.partition);
      }
    }
  }
}
