import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { OffsetTracker } from '../../src/runtime/offset-tracker.js';

describe('OffsetTracker', () => {
  it('commits nothing while the first envelope of a partition is unsettled', () => {
    const tracker = new OffsetTracker();
    const a = tracker.track(Offset.of('p', 1));
    const b = tracker.track(Offset.of('p', 2));
    tracker.settle(b);
    expect(tracker.take()).toEqual([]);
    tracker.settle(a);
    expect(tracker.take().map(String)).toEqual(['p@2']);
    expect(tracker.take()).toEqual([]);
  });

  it('hands back the offset object itself, metadata included', () => {
    const tracker = new OffsetTracker();
    const offset = Offset.withMetadata('p', 7n, 'generation-3');
    tracker.settle(tracker.track(offset));
    const [taken] = tracker.take();
    expect(taken).toBe(offset);
    expect(taken?.metadata).toBe('generation-3');
  });

  it('keeps partitions independent and uses hand-over order, not offset values', () => {
    const tracker = new OffsetTracker();
    const x = tracker.track(Offset.of('x', 'cursor-z'));
    const y = tracker.track(Offset.of('y', 10n));
    const x2 = tracker.track(Offset.of('x', 'cursor-a'));
    tracker.settle(x2);
    tracker.settle(y);
    expect(tracker.take().map(String)).toEqual(['y@10']);
    tracker.settle(x);
    expect(tracker.take().map(String)).toEqual(['x@cursor-a']);
    expect(tracker.unsettled).toBe(0);
  });

  it('puts back offsets of a failed commit unless the partition advanced meanwhile', () => {
    const tracker = new OffsetTracker();
    const a = tracker.track(Offset.of('p', 1));
    const b = tracker.track(Offset.of('p', 2));
    tracker.settle(a);
    const taken = tracker.take();
    tracker.restore(taken);
    expect(tracker.peek().map(String)).toEqual(['p@1']);
    const again = tracker.take();
    tracker.settle(b);
    tracker.restore(again);
    expect(tracker.take().map(String)).toEqual(['p@2']);
  });

  it('property: the committable offset is always the end of the contiguous settled prefix', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (partitions, picks) => {
          const tracker = new OffsetTracker();
          const tickets = partitions.map((p, i) => tracker.track(Offset.of(p, i)));
          const settled = new Set<number>();
          const committed = new Map<string, number>();
          const unsettled = tickets.map((_, i) => i);
          for (const pick of picks) {
            if (unsettled.length === 0) break;
            const [i] = unsettled.splice(pick % unsettled.length, 1) as [number];
            tracker.settle(tickets[i]!);
            settled.add(i);
            if (pick % 3 === 0) {
              for (const offset of tracker.take())
                committed.set(offset.partition, Number(offset.value));
            }
          }
          for (const offset of tracker.take())
            committed.set(offset.partition, Number(offset.value));
          for (const p of ['a', 'b', 'c']) {
            const indices = partitions.flatMap((q, i) => (q === p ? [i] : []));
            let prefixEnd: number | undefined;
            for (const i of indices) {
              if (!settled.has(i)) break;
              prefixEnd = i;
            }
            expect(committed.get(p)).toBe(prefixEnd);
          }
          expect(tracker.unsettled).toBe(partitions.length - settled.size);
        },
      ),
      { numRuns: 500 },
    );
  });
});
