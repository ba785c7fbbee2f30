import { describe, expect, it } from 'vitest';
import type { ProducerOptions } from '../../src/client/producer.js';
import { RuntimeStoppingError } from '../../src/connector/errors.js';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import type { RuntimeClient } from '../../src/runtime/startup.js';
import { testCoreConfig } from '../../src/testing/harness/core-config.js';
import { FakeProducer, SendBoard, flush } from './fakes.js';
import { PushSource, quietLogger, topic } from './support.js';

/** A SourceRuntime over fake producers (answered by the test) and a manual clock: no broker, no real time. */
function setup(processing: Record<string, number> = {}) {
  const clock = new ManualClock();
  const board = new SendBoard();
  const created: ProducerOptions[] = [];
  const client: RuntimeClient = {
    createProducer: (options) => {
      created.push(options);
      return Promise.resolve(new FakeProducer(board, options.topic, options.partitions ?? 0));
    },
    schemas: {} as RuntimeClient['schemas'],
    close: () => Promise.resolve(),
  };
  const source = new PushSource([topic('/default/t')]);
  const core = testCoreConfig({
    connector_name: 'manual',
    processing: {
      batch_size: 100,
      batch_timeout_ms: 1_000,
      shutdown_timeout_ms: 5_000,
      ...processing,
    },
  });
  const runtime = new SourceRuntime(source, core, {
    clock,
    logger: quietLogger(),
    http: false,
    clientFactory: () => Promise.resolve(client),
  });
  const controller = new AbortController();
  const done = runtime.run({ signal: controller.signal, handleSignals: false });
  done.catch(() => undefined);
  return { clock, board, created, source, runtime, controller, done };
}

const env = (i: number): SourceEnvelope =>
  SourceEnvelope.withOffset(SourceRecord.string('/default/t', `m${i}`), Offset.of('s', i));

describe('SourceRuntime on a manual clock', () => {
  it('creates producers with client retries off, and commits after batch_timeout_ms under load', async () => {
    const s = setup();
    const sender = await s.source.sender;
    expect(s.created).toEqual([
      {
        topic: '/default/t',
        name: 'manual-default-t',
        partitions: 0,
        reliableDispatch: false,
        retry: false,
      },
    ]);
    await sender.sendBatch([env(0), env(1)]);
    s.board.succeed(0);
    await flush();
    // record 1 still in flight: not idle, batch not full → wait for batch_timeout_ms
    expect(s.source.lifecycle.commits).toEqual([]);
    await s.clock.advance(999);
    expect(s.source.lifecycle.commits).toEqual([]);
    await s.clock.advance(1);
    expect(s.source.lifecycle.commits.flat().map(String)).toEqual(['s@0']);
    s.board.succeed(0);
    await flush();
    // idle now: committed at once
    expect(s.source.lifecycle.commits.flat().map(String)).toEqual(['s@0', 's@1']);
    s.controller.abort();
    await s.done;
  });

  it('at the shutdown deadline abandons what is not published: receipts reject, nothing of it is committed', async () => {
    const s = setup();
    const sender = await s.source.sender;
    const receipts = await sender.sendBatch([env(0), env(1), env(2)]);
    s.board.succeed(0);
    await flush();
    s.controller.abort();
    await flush();
    expect(s.runtime.state.phase).toBe('stopping');
    await s.clock.advance(5_000);
    await s.done;
    await expect(receipts[0]?.delivered).resolves.toMatchObject({ status: 'published' });
    await expect(receipts[1]?.delivered).rejects.toBeInstanceOf(RuntimeStoppingError);
    await expect(receipts[2]?.delivered).rejects.toThrow(
      /not published within processing\.shutdown_timeout_ms = 5000 ms/,
    );
    expect(s.source.lifecycle.commits.flat().map(String)).toEqual(['s@0']);
    expect(s.source.lifecycle.calls.at(-1)).toBe('shutdown');
    expect(s.runtime.state.phase).toBe('stopped');
  });
});
