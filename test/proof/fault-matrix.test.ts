/**
 * The fault matrix: every fault the embedded broker (or the connector) can inject, in
 * polling and streaming mode, each with its fixed expected outcome. Every row also
 * asserts the two invariants: no record lost, no commit ahead of an unpublished record.
 * The observed matrix is printed as a table after the run.
 */
import { status } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { Offset } from '../../src/connector/offset.js';
import { SourceRecord } from '../../src/connector/record.js';
import { ManualClock } from '../../src/runtime/clock.js';
import type { DeliveryResult } from '../../src/connector/sender.js';
import { StreamingProofConnector } from './support/connectors.js';
import { SOURCE_PARTITION, sequenceRecord } from './support/sequence.js';
import {
  describeOutcome,
  range,
  Scenario,
  type RunOutcome,
  type ScenarioOptions,
} from './support/scenario.js';

type Mode = 'polling' | 'streaming';

/** One line of the printed matrix. */
interface MatrixLine {
  fault: string;
  mode: Mode;
  expected: string;
  observed: string;
  lost: number;
  duplicates: number;
  commitsAhead: number;
  note: string;
}

const matrix: MatrixLine[] = [];

function record(line: MatrixLine): void {
  matrix.push(line);
}

function observed(outcome: RunOutcome): string {
  return outcome.status === 'resolved' ? 'recovered' : 'fatal';
}

/** Records and asserts what every row shares: nothing lost, no commit ahead. */
function finish(
  s: Scenario,
  line: Omit<MatrixLine, 'lost' | 'duplicates' | 'commitsAhead'>,
  audit: { lost: number[]; duplicates: number },
): void {
  record({
    ...line,
    lost: audit.lost.length,
    duplicates: audit.duplicates,
    commitsAhead: s.auditor.violations.length,
  });
  expect(audit.lost, 'records lost').toEqual([]);
  expect(s.auditor.violations, 'commits ahead of unpublished records').toEqual([]);
}

const MODES: readonly Mode[] = ['polling', 'streaming'];

/** Runs `body` with a started scenario and always closes it. */
async function withScenario(
  options: ScenarioOptions,
  body: (s: Scenario) => Promise<void>,
): Promise<void> {
  const s = await Scenario.start(options);
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

/**
 * Drives a {@link ManualClock} in virtual steps until `done` settles (no real waiting:
 * each step only yields to pending I/O and promise callbacks).
 */
async function driveClock(
  clock: ManualClock,
  done: Promise<unknown>,
  stepMs: number,
  maxMs: number,
): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true));
  for (let elapsed = 0; !finished && elapsed < maxMs; elapsed += stepMs)
    await clock.advance(stepMs);
}

function results(s: Scenario): Map<number, DeliveryResult | Error> {
  return s.connector instanceof StreamingProofConnector
    ? s.connector.results
    : new Map<number, DeliveryResult | Error>();
}

afterAll(() => {
  const header = ['fault', 'mode', 'expected', 'observed', 'lost', 'dup', 'commits ahead', 'note'];
  const rows = matrix.map((l) => [
    l.fault,
    l.mode,
    l.expected,
    l.observed,
    String(l.lost),
    String(l.duplicates),
    String(l.commitsAhead),
    l.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const table = [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
  console.log(`\nFault matrix (${matrix.length} rows)\n${table}\n`);
});

describe('fault matrix', () => {
  describe.each(MODES)('%s', (mode) => {
    it('UNAVAILABLE burst shorter than publish_timeout → recovered, 0 lost', async () => {
      await withScenario(
        { name: `unavailable-${mode}`, mode, total: 60, partitions: 4, keys: 8, available: 20 },
        async (s) => {
          await s.until(s.connector.committedThrough(19));
          s.broker.faults.failNext('SendMessage', 6, status.UNAVAILABLE);
          s.connector.release();
          await s.until(s.connector.committedThrough(59));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          expect(s.broker.stats().injectedFailures).toBe(6);
          const audit = s.audit(range(0, 60));
          expect(audit.partitionOrderViolations).toEqual([]);
          finish(
            s,
            {
              fault: 'UNAVAILABLE ×6 (< publish_timeout)',
              mode,
              expected: 'recovered',
              observed: observed(outcome),
              note: `${s.runtime.state.snapshot().totals.retries} retries`,
            },
            audit,
          );
        },
      );
    });

    it('broker down longer than publish_timeout → fatal, nothing committed past what was published', async () => {
      const clock = new ManualClock();
      await withScenario(
        {
          name: `down-${mode}`,
          mode,
          total: 40,
          partitions: 2,
          keys: 4,
          available: 10,
          clock,
          core: {
            retry: { publish_timeout_ms: 1000, retry_backoff_ms: 50, max_backoff_ms: 200 },
            processing: { shutdown_timeout_ms: 2000 },
          },
        },
        async (s) => {
          await s.until(s.connector.committedThrough(9));
          await s.broker.goDown();
          s.connector.release();
          await driveClock(clock, s.outcome, 50, 600_000);
          const outcome = await s.outcome;
          expect(outcome.status).toBe('rejected');
          const message = outcome.status === 'rejected' ? outcome.error.message : '';
          expect(message).toMatch(
            /could not be published: publish to \/proof\/down-\w+-part-\d not confirmed within retry\.publish_timeout_ms = 1000 ms/,
          );
          expect(message).toContain('processing.failure_policy = "fail" stops the connector');
          expect(s.connector.committed).toBe(9);
          expect(s.connector.calls.at(-1)).toBe('shutdown');
          await s.broker.comeUp();
          // Records 10… were never published and never committed: a restart reads them again.
          const audit = s.audit(range(0, 10));
          expect([...s.storedSeqs()].every((seq) => seq < 10)).toBe(true);
          finish(
            s,
            {
              fault: 'broker down (goDown) > publish_timeout',
              mode,
              expected: 'fatal',
              observed: observed(outcome),
              note: `committed through ${s.connector.committed}; 10…39 left uncommitted`,
            },
            audit,
          );
        },
      );
    });

    it('DEADLINE_EXCEEDED → recovered', async () => {
      await withScenario(
        { name: `deadline-${mode}`, mode, total: 60, partitions: 4, keys: 8, available: 20 },
        async (s) => {
          await s.until(s.connector.committedThrough(19));
          s.broker.faults.failNext('SendMessage', 4, status.DEADLINE_EXCEEDED);
          s.connector.release();
          await s.until(s.connector.committedThrough(59));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          expect(s.broker.stats().injectedFailures).toBe(4);
          finish(
            s,
            {
              fault: 'DEADLINE_EXCEEDED ×4',
              mode,
              expected: 'recovered',
              observed: observed(outcome),
              note: '',
            },
            s.audit(range(0, 60)),
          );
        },
      );
    });

    it('10× latency → recovered with the buffer at its bound', async () => {
      const bufferSize = 20;
      await withScenario(
        {
          name: `latency-${mode}`,
          mode,
          total: 100,
          partitions: 4,
          keys: 8,
          batch: 10,
          core: { processing: { buffer_size: bufferSize } },
        },
        async (s) => {
          s.broker.faults.latency(20, 'SendMessage');
          await s.until(s.connector.committedThrough(99));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const peak = s.runtime.stats.peakAccepted;
          expect(peak).toBeLessThanOrEqual(bufferSize);
          finish(
            s,
            {
              fault: 'SendMessage latency 20 ms (≈10×)',
              mode,
              expected: 'recovered, bounded',
              observed: observed(outcome),
              note: `peak buffered+in-flight ${peak} ≤ ${bufferSize}`,
            },
            s.audit(range(0, 100)),
          );
        },
      );
    });

    it('producer dropped (CLOSE / NOT_FOUND) → recovered', async () => {
      await withScenario(
        { name: `dropped-${mode}`, mode, total: 60, partitions: 2, keys: 4, available: 20 },
        async (s) => {
          await s.until(s.connector.committedThrough(19));
          const created = s.broker.stats().calls.CreateProducer ?? 0;
          for (const producer of s.broker.producers().filter((p) => p.topic.startsWith(s.topic))) {
            s.broker.faults.dropProducer(producer.id);
          }
          s.connector.release();
          await s.until(s.connector.committedThrough(59));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const recreated = (s.broker.stats().calls.CreateProducer ?? 0) - created;
          expect(recreated).toBeGreaterThanOrEqual(1);
          const audit = s.audit(range(0, 60));
          expect(audit.partitionOrderViolations).toEqual([]);
          finish(
            s,
            {
              fault: 'producer dropped by broker',
              mode,
              expected: 'recovered',
              observed: observed(outcome),
              note: `${recreated} producer(s) recreated`,
            },
            audit,
          );
        },
      );
    });

    it('broker restart keeping data, mid-flight → recovered, duplicates ≤ in-flight window', async () => {
      const partitions = 4;
      await withScenario(
        { name: `restart-keep-${mode}`, mode, total: 80, partitions, keys: 8, available: 20 },
        async (s) => {
          await s.until(s.connector.committedThrough(19));
          const nextStored = new Promise<void>((resolve) =>
            s.broker.once('message', () => resolve()),
          );
          s.connector.release();
          await nextStored;
          await s.broker.restart({ keepData: true });
          await s.until(s.connector.committedThrough(79));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const audit = s.audit(range(0, 80));
          expect(audit.duplicates).toBeLessThanOrEqual(partitions);
          expect(audit.partitionOrderViolations).toEqual([]);
          finish(
            s,
            {
              fault: 'broker restart (keep data) mid-flight',
              mode,
              expected: 'recovered',
              observed: observed(outcome),
              note: `window ${partitions}`,
            },
            audit,
          );
        },
      );
    });

    it('broker restart losing data → recovered for the records sent after it', async () => {
      await withScenario(
        { name: `restart-lose-${mode}`, mode, total: 60, partitions: 2, keys: 4, available: 20 },
        async (s) => {
          await s.until(s.connector.committedThrough(19));
          await s.broker.restart({ keepData: false });
          s.connector.release();
          await s.until(s.connector.committedThrough(59));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const audit = s.audit(range(20, 60));
          finish(
            s,
            {
              fault: 'broker restart (data lost)',
              mode,
              expected: 'recovered (new records)',
              observed: observed(outcome),
              note: '0…19 lost by the broker itself',
            },
            audit,
          );
        },
      );
    });

    it('stored-then-response-lost → recovered, duplicates counted and ≤ the in-flight window', async () => {
      const partitions = 4;
      await withScenario(
        { name: `response-lost-${mode}`, mode, total: 60, partitions, keys: 8, available: 20 },
        async (s) => {
          await s.until(s.connector.committedThrough(19));
          s.broker.faults.storeThenFailResponse(2);
          s.connector.release();
          await s.until(s.connector.committedThrough(59));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const audit = s.audit(range(0, 60));
          expect(s.broker.stats().storedThenFailed).toBe(2);
          expect(audit.duplicates).toBe(2);
          expect(audit.duplicates).toBeLessThanOrEqual(partitions);
          expect(audit.partitionOrderViolations).toEqual([]);
          finish(
            s,
            {
              fault: 'stored, response lost ×2',
              mode,
              expected: 'recovered, dup ≤ window',
              observed: observed(outcome),
              note: `window ${partitions}`,
            },
            audit,
          );
        },
      );
    });

    it('out-of-order responses (and failures) → per-partition order kept in default mode', async () => {
      await withScenario(
        {
          name: `reorder-${mode}`,
          mode,
          total: 120,
          partitions: 4,
          keys: 16,
          batch: 20,
          available: 20,
        },
        async (s) => {
          await s.until(s.connector.committedThrough(19));
          s.broker.faults.reorderResponses(4);
          s.broker.faults.failNext('SendMessage', 3, status.UNAVAILABLE);
          s.connector.release();
          await s.until(s.connector.committedThrough(119));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const audit = s.audit(range(0, 120));
          expect(audit.partitionOrderViolations).toEqual([]);
          expect(audit.orderViolations).toEqual([]);
          expect(s.broker.stats().peakConcurrentSends).toBeGreaterThan(1);
          finish(
            s,
            {
              fault: 'responses reversed in groups of 4 + UNAVAILABLE ×3',
              mode,
              expected: 'recovered, order kept',
              observed: observed(outcome),
              note: 'partition order checked on broker',
            },
            audit,
          );
        },
      );
    });

    it('schema rejection, policy dead_letter → dead-lettered, the rest delivered', async () => {
      const bad = (seq: number): boolean => seq % 10 === 5;
      const name = `schema-dlq-${mode}`;
      await withScenario(
        {
          name,
          mode,
          total: 40,
          partitions: 2,
          keys: 4,
          schema: true,
          core: {
            processing: { failure_policy: 'dead_letter', dead_letter_topic: `/proof/${name}-dlq` },
          },
          connector: { envelopeFor: (seq) => invalidAt(`/proof/${name}`, seq, bad) },
          exempt: bad,
        },
        async (s) => {
          await s.until(s.connector.committedThrough(39));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const dlq = s.broker.messages(`/proof/${name}-dlq`);
          expect(dlq.map((m) => Number(m.attributes.seq))).toEqual([5, 15, 25, 35]);
          expect(dlq[0]?.attributes['dlq.error']).toBe(
            `/proof/${name} (subject proof-event v1): $.note: must be string`,
          );
          expect(dlq[0]?.attributes['dlq.offset']).toBe('5');
          if (mode === 'streaming')
            expect(results(s).get(5)).toMatchObject({ status: 'dead_lettered' });
          const audit = s.audit(range(0, 40).filter((seq) => !bad(seq)));
          finish(
            s,
            {
              fault: 'schema rejection (4 of 40)',
              mode,
              expected: 'policy dead_letter',
              observed: `${observed(outcome)}, ${dlq.length} dead-lettered`,
              note: 'error in dlq.error',
            },
            audit,
          );
        },
      );
    });

    it('schema rejection, policy fail → fatal, nothing committed past the bad record', async () => {
      const name = `schema-fail-${mode}`;
      await withScenario(
        {
          name,
          mode,
          total: 40,
          partitions: 2,
          keys: 4,
          schema: true,
          connector: { envelopeFor: (seq) => invalidAt(`/proof/${name}`, seq, (x) => x === 25) },
        },
        async (s) => {
          const outcome = await s.outcome;
          expect(outcome.status).toBe('rejected');
          const message = outcome.status === 'rejected' ? outcome.error.message : '';
          expect(message).toContain(
            `/proof/${name} (subject proof-event v1): $.note: must be string`,
          );
          expect(message).toContain('at offset source@25');
          expect(s.connector.committed).toBeLessThan(25);
          const audit = s.audit(range(0, s.connector.committed + 1));
          finish(
            s,
            {
              fault: 'schema rejection (1 of 40)',
              mode,
              expected: 'fatal (policy fail)',
              observed: observed(outcome),
              note: `committed through ${s.connector.committed}`,
            },
            audit,
          );
        },
      );
    });

    it('oversize → not retried, policy skip applied', async () => {
      const name = `oversize-${mode}`;
      const big = 25;
      await withScenario(
        {
          name,
          mode,
          total: 40,
          partitions: 2,
          keys: 4,
          broker: { maxMessageBytes: 4096 },
          core: { processing: { failure_policy: 'skip' } },
          connector: {
            envelopeFor: (seq) =>
              SourceEnvelope.withOffset(
                seq === big
                  ? SourceRecord.json(`/proof/${name}`, {
                      seq,
                      key: null,
                      note: 'x'.repeat(8192),
                    }).withAttributes({ seq: String(seq), origin: 'proof' })
                  : sequenceRecord(seq, { topic: `/proof/${name}`, keys: 4 }),
                Offset.of(SOURCE_PARTITION, seq),
              ),
          },
          exempt: (seq) => seq === big,
        },
        async (s) => {
          let oversizeAttempts = 0;
          s.broker.on('call', (event) => {
            const payload = (event.request as { payload?: Buffer }).payload;
            if (event.method === 'SendMessage' && payload !== undefined && payload.length > 4096)
              oversizeAttempts += 1;
          });
          await s.until(s.connector.committedThrough(39));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          expect(oversizeAttempts).toBe(1);
          expect(s.runtime.state.snapshot().totals.skipped).toBe(1);
          if (mode === 'streaming')
            expect(results(s).get(big)).toMatchObject({ status: 'skipped' });
          const audit = s.audit(range(0, 40).filter((seq) => seq !== big));
          finish(
            s,
            {
              fault: 'oversize message (8 KiB > 4 KiB policy)',
              mode,
              expected: 'not retried, policy skip',
              observed: `${observed(outcome)}, 1 attempt, skipped`,
              note: '',
            },
            audit,
          );
        },
      );
    });

    it('commit throwing transiently → retried', async () => {
      await withScenario(
        {
          name: `commit-retry-${mode}`,
          mode,
          total: 40,
          partitions: 2,
          keys: 4,
          connector: {
            commitFailures: [
              new Error('offset store busy'),
              ConnectorError.retryable('offset store busy'),
            ],
          },
        },
        async (s) => {
          await s.until(s.connector.committedThrough(39));
          const outcome = await s.stop();
          expect(describeOutcome(outcome)).toBe('resolved');
          const attempts = s.connector.calls.filter((c) => c === 'commit').length;
          expect(attempts).toBeGreaterThanOrEqual(s.connector.commits.length + 2);
          finish(
            s,
            {
              fault: 'commit() throws twice',
              mode,
              expected: 'recovered (retried)',
              observed: observed(outcome),
              note: `${attempts} commit calls`,
            },
            s.audit(range(0, 40)),
          );
        },
      );
    });

    it('commit throwing persistently → retried then fatal', async () => {
      await withScenario(
        {
          name: `commit-fatal-${mode}`,
          mode,
          total: 40,
          partitions: 2,
          keys: 4,
          available: 10,
        },
        async (s) => {
          await s.until(s.connector.committedThrough(9));
          s.connector.failNextCommits(...range(0, 10).map(() => new Error('offset store gone')));
          s.connector.release();
          const outcome = await s.outcome;
          expect(outcome.status).toBe('rejected');
          const message = outcome.status === 'rejected' ? outcome.error.message : '';
          expect(message).toBe('commit() kept failing after 3 retries: offset store gone');
          expect(s.connector.committed).toBe(9);
          expect(s.connector.calls.at(-1)).toBe('shutdown');
          // Everything handed over was still published; only the commit is missing.
          const audit = s.audit(range(0, s.connector.produced));
          finish(
            s,
            {
              fault: 'commit() always throws',
              mode,
              expected: 'fatal after max_retries',
              observed: observed(outcome),
              note: 'published, not committed',
            },
            audit,
          );
        },
      );
    });
  });

  it('poll throwing retryable → retried (polling)', async () => {
    await withScenario(
      {
        name: 'poll-retry',
        mode: 'polling',
        total: 40,
        partitions: 2,
        keys: 4,
        connector: {
          pollFailures: [ConnectorError.retryable('upstream 503'), new Error('socket hang up')],
        },
      },
      async (s) => {
        await s.until(s.connector.committedThrough(39));
        const outcome = await s.stop();
        expect(describeOutcome(outcome)).toBe('resolved');
        expect(s.connector.calls.slice(0, 5)).toEqual([
          'initialize',
          'producerConfigs',
          'poll',
          'poll',
          'poll',
        ]);
        finish(
          s,
          {
            fault: 'poll() throws retryable ×2',
            mode: 'polling',
            expected: 'recovered (retried)',
            observed: observed(outcome),
            note: '',
          },
          s.audit(range(0, 40)),
        );
      },
    );
  });

  it('poll throwing fatal → run() rejects after draining what was handed over (polling)', async () => {
    await withScenario(
      { name: 'poll-fatal', mode: 'polling', total: 40, partitions: 2, keys: 4, available: 20 },
      async (s) => {
        await s.until(s.connector.committedThrough(19));
        s.connector.failNextPolls(ConnectorError.fatal('upstream credentials revoked'));
        const outcome = await s.outcome;
        expect(outcome.status).toBe('rejected');
        expect(outcome.status === 'rejected' ? outcome.error.message : '').toContain(
          'upstream credentials revoked',
        );
        expect(s.connector.calls.at(-1)).toBe('shutdown');
        finish(
          s,
          {
            fault: 'poll() throws fatal',
            mode: 'polling',
            expected: 'fatal, run() rejects',
            observed: observed(outcome),
            note: 'handed-over 0…19 published + committed',
          },
          s.audit(range(0, 20)),
        );
      },
    );
  });

  it('startStreaming throwing fatal → run() rejects after draining what was sent (streaming)', async () => {
    await withScenario(
      {
        name: 'stream-fatal',
        mode: 'streaming',
        total: 40,
        partitions: 2,
        keys: 4,
        connector: {
          streamFailure: { atSeq: 20, error: ConnectorError.fatal('MQTT session taken over') },
        },
      },
      async (s) => {
        const outcome = await s.outcome;
        expect(outcome.status).toBe('rejected');
        expect(outcome.status === 'rejected' ? outcome.error.message : '').toContain(
          'MQTT session taken over',
        );
        expect(s.connector.committed).toBe(19);
        finish(
          s,
          {
            fault: 'startStreaming() throws fatal',
            mode: 'streaming',
            expected: 'fatal, run() rejects',
            observed: observed(outcome),
            note: 'sent 0…19 published + committed',
          },
          s.audit(range(0, 20)),
        );
      },
    );
  });
});

/** Record `seq` as usual, except that `bad` seqs carry a payload the proof schema refuses (`note` not a string). */
function invalidAt(topic: string, seq: number, bad: (seq: number) => boolean): SourceEnvelope {
  const good = sequenceRecord(seq, { topic, keys: 4 });
  if (!bad(seq)) return SourceEnvelope.withOffset(good, Offset.of(SOURCE_PARTITION, seq));
  let record = SourceRecord.json(topic, { seq, key: good.key ?? null, note: 42 }).withAttributes(
    good.attributes,
  );
  if (good.key !== undefined) record = record.withKey(good.key);
  return SourceEnvelope.withOffset(record, Offset.of(SOURCE_PARTITION, seq));
}
