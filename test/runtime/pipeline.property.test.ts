import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { DeliveryReceipt, DeliveryResult } from '../../src/connector/sender.js';
import { flush, invalidArgument } from './fakes.js';
import { makePipeline } from './pipeline-harness.js';

const TOPICS = [
  { topic: '/default/a', partitions: 0 },
  { topic: '/default/b', partitions: 3 },
];

const envelopeArb = fc.record({
  topic: fc.constantFrom('/default/a', '/default/b'),
  key: fc.option(fc.constantFrom('k1', 'k2', 'k3', 'k4'), { nil: undefined }),
  partition: fc.option(fc.constantFrom('p', 'q', 'r'), { nil: undefined }),
});

const stepArb = fc.record({ pick: fc.nat(), fail: fc.boolean(), failWeight: fc.nat({ max: 4 }) });

type Outcome = 'pending' | 'published' | 'skipped' | 'dead_lettered' | 'failed';

describe('publish pipeline + offset tracker (property)', () => {
  it('commits only contiguous settled prefixes and sends each partition in hand-over order, whatever order sends complete in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(envelopeArb, { minLength: 1, maxLength: 40 }),
        fc.array(stepArb, { minLength: 0, maxLength: 200 }),
        fc.constantFrom('fail' as const, 'skip' as const, 'dead_letter' as const),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 12 }),
        async (specs, steps, policy, maxInflight, bufferSize) => {
          const h = makePipeline({ topics: TOPICS, policy, maxInflight, bufferSize });
          const envelopes = specs.map((spec, i) => {
            let record = SourceRecord.string(spec.topic, `m${i}`);
            if (spec.key !== undefined) record = record.withKey(spec.key);
            return spec.partition === undefined
              ? SourceEnvelope.of(record)
              : SourceEnvelope.withOffset(record, Offset.of(spec.partition, i));
          });
          const outcomes: Outcome[] = envelopes.map(() => 'pending');
          const accepted: Array<Promise<DeliveryReceipt>> = envelopes.map((e) =>
            h.pipeline.accept(e, true),
          );
          void accepted.map((p, i) =>
            p.then((receipt) =>
              receipt.delivered.then(
                (result: DeliveryResult) => {
                  outcomes[i] = result.status;
                },
                () => {
                  outcomes[i] = 'failed';
                },
              ),
            ),
          );
          const committed = new Map<string, number>();

          const check = (): void => {
            // at most maxInflight sends per partition topic
            const perLane = new Map<string, number>();
            for (const send of h.board.pending) {
              perLane.set(send.partitionTopic, (perLane.get(send.partitionTopic) ?? 0) + 1);
            }
            for (const [lane, n] of perLane) {
              if (lane !== '/default/dlq') expect(n).toBeLessThanOrEqual(maxInflight);
            }
            // accepted and unsettled never exceeds the buffer
            expect(h.buffer.size).toBeLessThanOrEqual(bufferSize);
            // commits: contiguous settled prefix, never backwards
            for (const offset of h.tracker.take()) {
              const value = Number(offset.value);
              const previous = committed.get(offset.partition) ?? -1;
              expect(value).toBeGreaterThan(previous);
              committed.set(offset.partition, value);
              envelopes.forEach((e, i) => {
                if (e.offset?.partition === offset.partition && i <= value) {
                  expect(['published', 'skipped', 'dead_lettered']).toContain(outcomes[i]);
                }
              });
            }
          };

          await flush();
          check();
          for (const step of steps) {
            if (h.board.pending.length === 0) break;
            const index = step.pick % h.board.pending.length;
            const isDlq = h.board.pending[index]?.partitionTopic === '/default/dlq';
            if (step.fail && step.failWeight === 0 && !isDlq)
              h.board.fail(index, invalidArgument());
            else h.board.succeed(index);
            await flush();
            check();
          }
          // answer everything left with success, oldest first
          while (h.board.pending.length > 0) {
            h.board.succeed(0);
            await flush();
            check();
          }
          await flush();
          check();

          // per partition topic, sends started in hand-over order
          for (const [lane, started] of h.board.started) {
            if (lane === '/default/dlq') continue;
            const indices = started.map((payload) => Number(payload.slice(1)));
            expect(indices).toEqual([...indices].sort((a, b) => a - b));
          }
          // every envelope ended; without 'fail', everything settled and the last offsets are committed
          if (h.fatal.length === 0) {
            expect(outcomes.every((o) => o !== 'pending' && o !== 'failed')).toBe(true);
            for (const partition of ['p', 'q', 'r']) {
              const last = envelopes.map((e) => e.offset?.partition).lastIndexOf(partition);
              if (last >= 0) expect(committed.get(partition)).toBe(last);
            }
            expect(h.buffer.size).toBe(0);
          } else {
            expect(policy === 'fail').toBe(true);
          }
          // published messages of each lane were stored in hand-over order when one send at a time
          if (maxInflight === 1) {
            for (const [lane, stored] of h.board.stored) {
              if (lane === '/default/dlq') continue;
              const indices = stored.map((payload) => Number(payload.slice(1)));
              expect(indices).toEqual([...indices].sort((a, b) => a - b));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
