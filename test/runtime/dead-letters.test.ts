import { status as GrpcStatus } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import type { CoreConfigInput } from '../../src/testing/harness/core-config.js';
import { LogCapture } from '../observability/log-capture.js';
import {
  PushSource,
  coreFor,
  lastCommitted,
  runtimeOptions,
  startRuntime,
  topic,
  useTestBroker,
} from './support.js';

/** The broker's real limit: tonic refuses a message over 4 MiB. */
const broker = useTestBroker();

const FIVE_MB = 5 * 1000 * 1000;

const small = (i: number): SourceEnvelope =>
  SourceEnvelope.withOffset(
    SourceRecord.string('/default/p', `ok-${i}`).withAttribute('i', String(i)),
    Offset.of('s', i),
  );

const huge = (i: number): SourceEnvelope =>
  SourceEnvelope.withOffset(
    SourceRecord.bytes('/default/p', Buffer.alloc(FIVE_MB, 0x61))
      .withKey('big')
      .withAttribute('i', String(i)),
    Offset.of('s', i),
  );

function run(input: CoreConfigInput = {}) {
  const logs = new LogCapture();
  const source = new PushSource([topic('/default/p')]);
  const core = coreFor(broker(), {
    ...input,
    processing: {
      failure_policy: 'dead_letter',
      dead_letter_topic: '/default/dlq',
      ...input.processing,
    },
  });
  const runtime = new SourceRuntime(
    source,
    core,
    runtimeOptions({ logger: pino({ level: 'warn' }, logs) }),
  );
  return { source, runtime, logs, run: startRuntime(runtime) };
}

async function deliver(source: PushSource, envelopes: SourceEnvelope[]): Promise<string[]> {
  const sender = await source.sender;
  const results: string[] = [];
  // one at a time, so that a fault injected for one record hits that record
  for (const envelope of envelopes) {
    const receipt = await sender.send(envelope);
    const result = await receipt.delivered.catch((error: unknown) => error as Error);
    results.push(result instanceof Error ? 'error' : result.status);
  }
  return results;
}

describe('dead letters that cannot be delivered as they are', () => {
  it('a 5 MB record over the broker limit reaches the dead-letter topic cut to dead_letter_max_payload_bytes, and the connector keeps running', async () => {
    const s = run();
    const results = await deliver(s.source, [small(0), huge(1), small(2)]);
    expect(results).toEqual(['published', 'dead_lettered', 'published']);
    expect(s.runtime.state.phase).toBe('running');

    const [dead] = broker().messages('/default/dlq');
    expect(dead?.payload.length).toBe(1_048_576);
    expect(dead?.payload.every((byte) => byte === 0x61)).toBe(true);
    expect(dead?.key).toBe('big');
    expect(dead?.attributes).toMatchObject({
      i: '1',
      'dlq.truncated': 'true',
      'dlq.original_size': String(FIVE_MB),
      'dlq.error_type': 'oversize',
      'dlq.source_topic': '/default/p',
      'dlq.offset': '1',
    });
    expect(dead?.attributes['dlq.error']).toMatch(/too large/);
    await s.run.stop();
    expect(lastCommitted(s.source.lifecycle.commits).get('s')).toBe(2);
    expect(s.runtime.state.snapshot().totals).toMatchObject({
      published: 2,
      failed: 1,
      deadLettered: 1,
    });
  });

  it('honours a smaller dead_letter_max_payload_bytes, and leaves a payload that fits untouched', async () => {
    const s = run({ processing: { dead_letter_max_payload_bytes: 4_096 } });
    await deliver(s.source, [huge(0)]);
    broker().faults.failNext('SendMessage', 1, GrpcStatus.INVALID_ARGUMENT, 'refused');
    await deliver(s.source, [small(1)]);
    await s.run.stop();
    const [cut, whole] = broker().messages('/default/dlq');
    expect(cut?.payload.length).toBe(4_096);
    expect(cut?.attributes['dlq.original_size']).toBe(String(FIVE_MB));
    expect(whole?.payload.toString()).toBe('ok-1');
    expect(whole?.attributes).not.toHaveProperty('dlq.truncated');
    expect(whole?.attributes).not.toHaveProperty('dlq.original_size');
  });

  it('dead_letter_fallback = "skip" (default): a record the dead-letter topic refuses is skipped with an error log, the connector keeps running', async () => {
    const s = run();
    await deliver(s.source, [small(0)]);
    // the main topic and then the dead-letter topic refuse the record, for good
    broker().faults.failNext(
      'SendMessage',
      2,
      GrpcStatus.FAILED_PRECONDITION,
      'topic policy refuses it',
    );
    const results = await deliver(s.source, [small(1), small(2)]);
    expect(results).toEqual(['skipped', 'published']);
    await s.run.stop();
    expect(lastCommitted(s.source.lifecycle.commits).get('s')).toBe(2);
    expect(broker().messages('/default/dlq')).toEqual([]);
    expect(s.runtime.state.snapshot().totals).toMatchObject({ skipped: 1, deadLettered: 0 });
    const errors = s.logs.records().filter((r) => r['level'] === 50);
    expect(errors.map((r) => r['msg'])).toEqual([
      expect.stringMatching(
        /^record for \/default\/p at offset s@1 failed \(.*topic policy refuses it\) and the dead-letter topic \/default\/dlq refused it: .*; skipped \(processing.dead_letter_fallback = "skip"\)$/,
      ),
    ]);
  });

  it('a dead-letter topic that does not answer within publish_timeout_ms stops the connector whatever the fallback', async () => {
    const s = run({
      processing: { dead_letter_fallback: 'skip' },
      retry: { publish_timeout_ms: 300 },
    });
    await deliver(s.source, [small(0)]);
    broker().faults.failNext('SendMessage', 1, GrpcStatus.INVALID_ARGUMENT, 'refused');
    // every later send (the dead letter's) answers UNAVAILABLE: retried until the deadline
    broker().faults.failNext('SendMessage', 1_000_000, GrpcStatus.UNAVAILABLE, 'overloaded');
    const s2 = deliver(s.source, [small(1)]);
    await expect(s.run.done).rejects.toThrow(
      /^record for \/default\/p at offset s@1 failed \(.*refused\) and could not be sent to the dead-letter topic \/default\/dlq: publish to \/default\/dlq not confirmed within retry.publish_timeout_ms/,
    );
    expect(await s2).toEqual(['error']);
    expect(lastCommitted(s.source.lifecycle.commits).get('s')).toBe(0);
  });
});
