import { status as GrpcStatus } from '@grpc/grpc-js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { DeliveryResult } from '../../src/connector/sender.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import {
  PushSource,
  coreFor,
  lastCommitted,
  runPushSource,
  runtimeOptions,
  startRuntime,
  topic,
  useTestBroker,
} from './support.js';

const broker = useTestBroker({ maxMessageBytes: 64 });

const small = (i: number): SourceEnvelope =>
  SourceEnvelope.withOffset(
    SourceRecord.string('/default/p', `ok-${i}`).withAttribute('i', String(i)),
    Offset.of('s', i),
  );
const oversize = (i: number): SourceEnvelope =>
  SourceEnvelope.withOffset(
    SourceRecord.string('/default/p', 'x'.repeat(200)).withKey('big').withAttribute('i', String(i)),
    Offset.of('s', i),
  );

async function sendAll(
  source: PushSource,
  envelopes: SourceEnvelope[],
): Promise<Array<DeliveryResult | Error>> {
  const sender = await source.sender;
  const receipts = await sender.sendBatch(envelopes);
  return Promise.all(receipts.map((r) => r.delivered.catch((error: unknown) => error as Error)));
}

describe('failure policies', () => {
  it('skip: an oversize record is not retried, counted and skipped; the rest is published and committed', async () => {
    const { source, runtime, run } = runPushSource(broker(), [topic('/default/p')], {
      processing: { failure_policy: 'skip' },
    });
    const results = await sendAll(source, [small(0), oversize(1), small(2)]);
    await run.stop();

    expect(results.map((r) => (r instanceof Error ? 'error' : r.status))).toEqual([
      'published',
      'skipped',
      'published',
    ]);
    expect(
      broker()
        .messages('/default/p')
        .map((m) => m.attributes.i),
    ).toEqual(['0', '2']);
    expect(broker().stats().calls.SendMessage).toBe(3);
    const totals = runtime.state.snapshot().totals;
    expect(totals).toMatchObject({ skipped: 1, failed: 1, published: 2, retries: 0 });
    expect(runtime.state.snapshot().topics[0]?.failedByType).toEqual({ oversize: 1 });
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(2);
  });

  it('dead_letter: the failed record goes to the dead-letter topic with the error in attributes', async () => {
    const { source, runtime, run } = runPushSource(broker(), [topic('/default/p')], {
      processing: { failure_policy: 'dead_letter', dead_letter_topic: '/default/dlq' },
    });
    const first = await sendAll(source, [small(0)]);
    // the broker refuses the next send for good (not retried), the DLQ accepts it
    broker().faults.failNext(
      'SendMessage',
      1,
      GrpcStatus.INVALID_ARGUMENT,
      'message too large for topic',
    );
    const rest = await sendAll(source, [
      SourceEnvelope.withOffset(
        SourceRecord.string('/default/p', 'refused').withKey('big').withAttribute('i', '1'),
        Offset.of('s', 1),
      ),
      small(2),
    ]);
    const results = [...first, ...rest];
    await run.stop();

    expect(results.map((r) => (r instanceof Error ? 'error' : r.status))).toEqual([
      'published',
      'dead_lettered',
      'published',
    ]);
    const [dead] = broker().messages('/default/dlq');
    expect(dead).toBeDefined();
    expect(dead?.key).toBe('big');
    expect(dead?.payload.toString()).toBe('refused');
    expect(dead?.attributes).toMatchObject({
      i: '1',
      'dlq.error_type': 'oversize',
      'dlq.source_topic': '/default/p',
      'dlq.source_partition': '/default/p',
      'dlq.offset_partition': 's',
      'dlq.offset': '1',
      'dlq.connector': 'test-conn',
    });
    expect(dead?.attributes['dlq.error']).toMatch(/INVALID_ARGUMENT: message too large/);
    expect(runtime.state.snapshot().totals.deadLettered).toBe(1);
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(2);
  });

  it('dead_letter with dead_letter_fallback = "fail": when the dead-letter topic refuses the record too, the runtime stops (nothing dropped)', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/p')], {
      processing: {
        failure_policy: 'dead_letter',
        dead_letter_topic: '/default/dlq',
        dead_letter_fallback: 'fail',
      },
    });
    const results = await sendAll(source, [oversize(0)]);
    await expect(run.done).rejects.toThrow(
      /^record for \/default\/p at offset s@0 failed \(.*\) and the dead-letter topic \/default\/dlq refused it: .*\(processing.dead_letter_fallback = "fail" stops the connector; "skip" keeps it running\)$/,
    );
    expect(results[0]).toBeInstanceOf(Error);
    expect(source.lifecycle.commits).toEqual([]);
  });

  it('fail (default): run() rejects naming the record, nothing after it is committed, shutdown() runs', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/p')]);
    const results = await sendAll(source, [small(0), oversize(1), small(2)]);
    await expect(run.done).rejects.toThrow(
      /record for \/default\/p at offset s@1 could not be published: .*failure_policy = "fail"/,
    );

    expect(results[0]).toMatchObject({ status: 'published' });
    expect(results[1]).toBeInstanceOf(Error);
    expect(
      broker()
        .messages('/default/p')
        .map((m) => m.attributes.i),
    ).toEqual(['0']);
    const committed = lastCommitted(source.lifecycle.commits).get('s');
    expect(committed === undefined || committed === 0).toBe(true);
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
    await expect((await source.sender).send(small(3))).rejects.toThrow(/stopping/);
  });

  it('schema-invalid records follow the policy (dead_letter), valid ones are validated and published', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'runtime-schema-'));
    await writeFile(
      path.join(dir, 'reading.json'),
      JSON.stringify({
        type: 'object',
        properties: { temp: { type: 'number' } },
        required: ['temp'],
      }),
    );
    const source = new PushSource([topic('/iot/readings')]);
    const core = coreFor(broker(), {
      config_dir: dir,
      processing: { failure_policy: 'dead_letter', dead_letter_topic: '/iot/dlq' },
      schemas: [
        {
          topic: '/iot/readings',
          subject: 'reading',
          schema_type: 'json_schema',
          schema_file: 'reading.json',
        },
      ],
    });
    const runtime = new SourceRuntime(source, core, runtimeOptions());
    const run = startRuntime(runtime);
    const sender = await source.sender;
    const receipts = await sender.sendBatch([
      SourceRecord.json('/iot/readings', { temp: 21 }),
      SourceRecord.json('/iot/readings', { temp: 'warm' }),
    ]);
    const results = await Promise.all(receipts.map((r) => r.delivered));
    await run.stop();

    expect(results.map((r) => r.status)).toEqual(['published', 'dead_lettered']);
    const [stored] = broker().messages('/iot/readings');
    expect(JSON.parse(stored?.payload.toString() ?? '{}')).toEqual({ temp: 21 });
    expect(stored?.schemaVersion).toBe(1);
    const [dead] = broker().messages('/iot/dlq');
    expect(dead?.attributes['dlq.error_type']).toBe('schema');
    expect(dead?.attributes['dlq.error']).toMatch(/temp/);
    expect(JSON.parse(dead?.payload.toString() ?? '{}')).toEqual({ temp: 'warm' });
  });

  it('refuses a record for a topic producerConfigs() did not declare (policy skip keeps running)', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/p')], {
      processing: { failure_policy: 'skip' },
    });
    const sender = await source.sender;
    const receipt = await sender.send(SourceRecord.string('/default/elsewhere', 'x'));
    const result = await receipt.delivered;
    await run.stop();
    expect(result.status).toBe('skipped');
    expect(result.status === 'skipped' && result.error.message).toMatch(
      /not declared by producerConfigs\(\) \(declared: \/default\/p\)/,
    );
  });
});
