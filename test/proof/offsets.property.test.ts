/**
 * Property-based proof of the runtime's public promises about offsets and batching,
 * through `SourceRuntime` itself (polling and streaming), with a client whose sends
 * complete in whatever order fast-check picks, some failing temporarily (retried) and
 * some refused (skipped by policy):
 *
 * - a commit never covers a record that is not yet published or skipped, and commits
 *   move forward in hand-over order, per offset partition, one offset per partition;
 * - after a graceful stop everything is published or skipped, and the last offset of
 *   every offset partition is committed;
 * - in the default ordered mode each Danube partition receives its records in hand-over
 *   order, without duplicates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { Offset } from '../../src/connector/offset.js';
import type { ProducerConfig } from '../../src/connector/producer-config.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { DeliveryResult, SourceSender } from '../../src/connector/sender.js';
import { SourceConnector, type SourceMode } from '../../src/connector/source-connector.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import { testCoreConfig } from '../../src/testing/harness/core-config.js';
import { HeldSends, refused, unavailable } from './support/fake-client.js';

const TOPIC = '/prop/events';

interface Shape {
  mode: SourceMode;
  records: number;
  partitions: number;
  keys: number;
  offsetPartitions: number;
  batch: number;
  maxInflight: number;
  batchSize: number;
}

type Answer = 'ok' | 'retry' | 'refuse';

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  mode: fc.constantFrom<SourceMode>('polling', 'streaming'),
  records: fc.integer({ min: 1, max: 40 }),
  partitions: fc.constantFrom(0, 1, 3),
  keys: fc.integer({ min: 0, max: 5 }),
  offsetPartitions: fc.integer({ min: 1, max: 3 }),
  batch: fc.integer({ min: 1, max: 8 }),
  maxInflight: fc.constantFrom(1, 1, 4),
  batchSize: fc.integer({ min: 1, max: 10 }),
});

const stepsArb = fc.array(
  fc.record({
    pick: fc.nat({ max: 50 }),
    answer: fc.constantFrom<Answer>('ok', 'ok', 'ok', 'retry', 'refuse'),
  }),
  { minLength: 1, maxLength: 120 },
);

/** Record `i`: JSON `{ i }`, key `k{i % keys}`, offset `op{i % offsetPartitions}@i`. */
function envelope(i: number, shape: Shape): SourceEnvelope {
  let record = SourceRecord.json(TOPIC, { i });
  if (shape.keys > 0) record = record.withKey(`k${i % shape.keys}`);
  return SourceEnvelope.withOffset(record, Offset.of(`op${i % shape.offsetPartitions}`, i));
}

const idOf = (payload: Buffer): number => (JSON.parse(payload.toString()) as { i: number }).i;

/** Hands over records 0…n-1 (poll batches, or `send` one by one) and audits every commit. */
class PropertySource extends SourceConnector {
  readonly violations: string[] = [];
  readonly committed = new Map<string, number>();
  readonly results = new Map<number, DeliveryResult | Error>();
  handedOver = 0;
  #next = 0;

  constructor(
    private readonly shape: Shape,
    private readonly settled: (i: number) => boolean,
  ) {
    super();
  }

  override mode(): SourceMode {
    return this.shape.mode;
  }

  initialize(): Promise<void> {
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return [{ topic: TOPIC, partitions: this.shape.partitions, reliableDispatch: true }];
  }

  override poll(): Promise<SourceEnvelope[]> {
    const out: SourceEnvelope[] = [];
    while (out.length < this.shape.batch && this.#next < this.shape.records)
      out.push(envelope(this.#next++, this.shape));
    this.handedOver = this.#next;
    return Promise.resolve(out);
  }

  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    while (this.#next < this.shape.records) {
      const i = this.#next++;
      const receipt = await sender.send(envelope(i, this.shape));
      this.handedOver = this.#next;
      receipt.delivered.then(
        (result) => this.results.set(i, result),
        (error: unknown) => this.results.set(i, error as Error),
      );
    }
    if (!signal.aborted)
      await new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => resolve(), { once: true }),
      );
  }

  override commit(offsets: Offset[]): Promise<void> {
    const seen = new Set<string>();
    for (const offset of offsets) {
      const value = Number(offset.value);
      if (seen.has(offset.partition))
        this.violations.push(`two offsets for ${offset.partition} in one commit`);
      seen.add(offset.partition);
      const previous = this.committed.get(offset.partition) ?? -1;
      if (value < previous)
        this.violations.push(`commit ${offset.toString()} after ${previous}: backwards`);
      for (let i = 0; i <= value; i += 1) {
        if (i % this.shape.offsetPartitions !== value % this.shape.offsetPartitions) continue;
        if (!this.settled(i)) {
          this.violations.push(
            `commit ${offset.toString()} while record ${i} was neither published nor skipped`,
          );
          break;
        }
      }
      this.committed.set(offset.partition, Math.max(previous, value));
    }
    return Promise.resolve();
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function runProperty(
  shape: Shape,
  steps: Array<{ pick: number; answer: Answer }>,
): Promise<void> {
  const held = new HeldSends();
  const skipped = new Set<number>();
  const storedIds = (): Set<number> => new Set([...held.stored.values()].flat().map(idOf));
  let stored = new Set<number>();
  const connector = new PropertySource(shape, (i) => stored.has(i) || skipped.has(i));
  const clock = new ManualClock();
  const core = testCoreConfig({
    connector_name: 'prop',
    processing: {
      log_level: 'silent',
      failure_policy: 'skip',
      max_inflight_per_partition: shape.maxInflight,
      batch_size: shape.batchSize,
      batch_timeout_ms: 50,
      poll_interval_ms: 10,
      buffer_size: 16,
      health_check_interval_ms: 3_600_000,
    },
    retry: { retry_backoff_ms: 5, max_backoff_ms: 20, publish_timeout_ms: 3_600_000 },
  });
  const stop = new AbortController();
  let outcome: 'running' | 'resolved' | Error = 'running';
  const running = new SourceRuntime(connector, core, {
    clock,
    clientFactory: held.factory,
    http: false,
  })
    .run({ signal: stop.signal, handleSignals: false })
    .then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error as Error),
    );
  const attempts = new Map<number, number>();
  const lastOf = new Map<string, number>();
  for (let i = 0; i < shape.records; i += 1) lastOf.set(`op${i % shape.offsetPartitions}`, i);
  const done = (): boolean =>
    connector.handedOver === shape.records &&
    [...lastOf].every(([p, last]) => connector.committed.get(p) === last);

  let step = 0;
  for (let guard = 0; !done() && outcome === 'running'; guard += 1) {
    if (guard > 50_000)
      throw new Error(
        `no progress: ${JSON.stringify({ handed: connector.handedOver, committed: [...connector.committed], held: held.held.length })}`,
      );
    await tick();
    if (held.held.length > 0) {
      const choice = steps[step++ % steps.length] ?? { pick: 0, answer: 'ok' as const };
      const send = held.take(choice.pick);
      if (send === undefined) continue;
      const i = idOf(send.payload);
      const tries = (attempts.get(i) ?? 0) + 1;
      attempts.set(i, tries);
      if (choice.answer === 'retry' && tries <= 2) send.fail(unavailable(send.partitionTopic));
      else if (choice.answer === 'refuse' && tries === 1) {
        skipped.add(i);
        send.fail(refused(send.partitionTopic));
      } else {
        send.succeed();
        stored = storedIds();
      }
    } else {
      const next = clock.nextTimerAt();
      if (next !== undefined) await clock.advance(Math.max(0, next - clock.now()));
    }
  }
  stop.abort();
  while (outcome === 'running') {
    await tick();
    const next = clock.nextTimerAt();
    if (held.held.length === 0 && next !== undefined)
      await clock.advance(Math.max(0, next - clock.now()));
  }
  await running;

  expect(outcome).toBe('resolved');
  expect(connector.violations).toEqual([]);
  stored = storedIds();
  const lost = Array.from({ length: shape.records }, (_, i) => i).filter(
    (i) => !stored.has(i) && !skipped.has(i),
  );
  expect(lost).toEqual([]);
  expect([...skipped].filter((i) => stored.has(i))).toEqual([]);
  for (const [partition, last] of lastOf) expect(connector.committed.get(partition)).toBe(last);
  if (shape.mode === 'streaming') {
    for (let i = 0; i < shape.records; i += 1) {
      const result = connector.results.get(i);
      expect(result instanceof Error ? result.message : result?.status).toBe(
        skipped.has(i) ? 'skipped' : 'published',
      );
    }
  }
  if (shape.maxInflight === 1) {
    for (const [topic, payloads] of held.stored) {
      const ids = payloads.map(idOf);
      expect(ids, `hand-over order on ${topic}`).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size, `duplicates on ${topic}`).toBe(ids.length);
    }
  }
}

describe('offsets and batching under random completion orders and failures (property)', () => {
  it('commits only settled prefixes, loses nothing, keeps partition order in ordered mode', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, stepsArb, async (shape, steps) => runProperty(shape, steps)),
      { numRuns: 120 },
    );
  }, 300_000);
});
