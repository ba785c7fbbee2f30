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
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { LogCapture } from '../observability/log-capture.js';
import { FakeProducer, SendBoard, flush } from './fakes.js';
import { PushSource, quietLogger, topic } from './support.js';

/**
 * A SourceRuntime over fake producers (answered by the test) and a manual clock: no broker, no
 * real time. `shutdown_timeout_ms` is 5000.
 */
function setup<S extends PushSource>(source: S, logger: Logger = quietLogger()) {
  const clock = new ManualClock();
  const board = new SendBoard();
  const created: ProducerOptions[] = [];
  const client = {
    closed: false as boolean,
    createProducer: (options: ProducerOptions) => {
      created.push(options);
      return Promise.resolve(new FakeProducer(board, options.topic, options.partitions ?? 0));
    },
    schemas: {} as RuntimeClient['schemas'],
    close: () => {
      client.closed = true;
      return Promise.resolve();
    },
  } satisfies RuntimeClient & { closed: boolean };
  const core = testCoreConfig({
    connector_name: 'manual',
    processing: { batch_size: 100, batch_timeout_ms: 1_000, shutdown_timeout_ms: 5_000 },
  });
  const runtime = new SourceRuntime(source, core, {
    clock,
    logger,
    http: false,
    clientFactory: () => Promise.resolve(client),
  });
  const controller = new AbortController();
  const done = runtime.run({ signal: controller.signal, handleSignals: false });
  done.catch(() => undefined);
  return { clock, board, client, created, source, runtime, controller, done };
}

/** A streaming test connector on /default/t. */
const pushSource = (): PushSource => new PushSource([topic('/default/t')]);

/** Never settles: a connector call hanging on a dead upstream. */
const forever = (): Promise<never> => new Promise<never>(() => undefined);

const env = (i: number): SourceEnvelope =>
  SourceEnvelope.withOffset(SourceRecord.string('/default/t', `m${i}`), Offset.of('s', i));

describe('SourceRuntime on a manual clock', () => {
  it('creates producers with client retries off, and commits after batch_timeout_ms under load', async () => {
    const s = setup(pushSource());
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
    const s = setup(pushSource());
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

describe('SourceRuntime stop deadline (processing.shutdown_timeout_ms = 5000)', () => {
  it('bounds the whole stop from the stop request: a commit() that never returns is cut, run() rejects naming it, its offsets are not reported committed', async () => {
    class StuckCommit extends PushSource {
      readonly commitCalls: Offset[][] = [];
      override commit(offsets: Offset[]): Promise<void> {
        this.commitCalls.push(offsets);
        return forever();
      }
    }
    const logs = new LogCapture();
    const s = setup(
      new StuckCommit([topic('/default/t')]),
      createLogger({ level: 'error', destination: logs, env: {} }),
    );
    let settled = false;
    s.done.then(
      () => (settled = true),
      () => (settled = true),
    );
    const sender = await s.source.sender;
    await sender.send(env(0));
    s.controller.abort();
    await s.clock.advance(3_000); // draining: the send is still in flight
    s.board.succeed(0); // published: the final commit starts and never returns
    await flush();
    expect(s.source.commitCalls.flat().map(String)).toEqual(['s@0']);

    await s.clock.advance(1_999);
    expect(settled).toBe(false);
    await s.clock.advance(1);
    const message =
      'connector commit() did not finish within processing.shutdown_timeout_ms = 5000 ms of the stop request';
    await expect(s.done).rejects.toThrow(message);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ level: 50, msg: `fatal: ${message}` }),
    );
    expect(s.runtime.state.snapshot().committedOffsets).toEqual({});
    expect(s.source.commitCalls).toHaveLength(1); // not retried, nothing committed after the deadline
    expect(s.source.lifecycle.calls.at(-1)).toBe('shutdown');
    expect(s.client.closed).toBe(true);
    expect(s.runtime.state.phase).toBe('stopped');
  });

  it('cuts a shutdown() that never returns: the Danube client is closed, what was committed stays committed, run() rejects', async () => {
    class StuckShutdown extends PushSource {
      override shutdown(): Promise<void> {
        this.lifecycle.calls.push('shutdown');
        return forever();
      }
    }
    const s = setup(new StuckShutdown([topic('/default/t')]));
    const sender = await s.source.sender;
    const receipt = await sender.send(env(0));
    s.board.succeed(0);
    await receipt.delivered;
    await flush();
    s.controller.abort();
    await s.clock.advance(5_000);
    await expect(s.done).rejects.toThrow(
      'connector shutdown() did not finish within processing.shutdown_timeout_ms = 5000 ms of the stop request',
    );
    expect(s.source.lifecycle.calls.at(-1)).toBe('shutdown');
    expect(s.runtime.state.snapshot().committedOffsets).toEqual({ s: '0' });
    expect(s.client.closed).toBe(true);
  });

  it('stops waiting for an initialize() still pending at the stop request: shutdown() is called, the client closed, run() rejects', async () => {
    class StuckInitialize extends PushSource {
      override initialize(): Promise<void> {
        this.lifecycle.calls.push('initialize');
        return forever();
      }
    }
    const s = setup(new StuckInitialize([topic('/default/t')]));
    await flush();
    expect(s.source.lifecycle.calls).toEqual(['initialize']);
    s.controller.abort();
    await s.clock.advance(5_000);
    await expect(s.done).rejects.toThrow(
      'connector initialize() did not finish within processing.shutdown_timeout_ms = 5000 ms of the stop request',
    );
    expect(s.source.lifecycle.calls).toEqual(['initialize', 'shutdown']);
    expect(s.created).toEqual([]);
    expect(s.client.closed).toBe(true);
  });
});
