import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectorContext } from '../../src/connector/context.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { Offset } from '../../src/connector/offset.js';
import type { ProducerConfig } from '../../src/connector/producer-config.js';
import { SourceRecord } from '../../src/connector/record.js';
import { SourceConnector } from '../../src/connector/source-connector.js';
import { OffsetLockError } from '../../src/runtime/offsets/errors.js';
import { InMemoryOffsets } from '../../src/runtime/offsets/memory-store.js';
import type { OffsetStore } from '../../src/runtime/offsets/offset-store.js';
import { toStoredOffset, type StoredOffset } from '../../src/runtime/offsets/stored-offset.js';
import { hardStop } from '../../src/runtime/hard-stop.js';
import { SourceRuntime, type SourceRuntimeOptions } from '../../src/runtime/source-runtime.js';
import { testCoreConfig, type CoreConfigInput } from '../../src/testing/harness/core-config.js';
import { HeldSends } from '../proof/support/fake-client.js';
import { quietLogger } from './support.js';

const TOPIC = '/default/rows';

/** Rows 1…n of one offset partition, resumed from the context; records what it was told. */
class Rows extends SourceConnector {
  context: ConnectorContext | undefined;
  readonly calls: string[] = [];
  readonly committed: Offset[][] = [];
  next = 1n;

  constructor(
    private readonly last: bigint,
    private readonly hooks: { commit?: boolean; onCommit?: (offsets: Offset[]) => void } = {},
  ) {
    super();
    if (hooks.commit === false) this.commit = undefined;
  }

  initialize(_core: unknown, context: ConnectorContext): Promise<void> {
    this.calls.push('initialize');
    this.context = context;
    const committed = context.offset('rows');
    if (committed !== undefined) this.next = (committed.value as bigint) + 1n;
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return [{ topic: TOPIC, partitions: 0, reliableDispatch: true }];
  }

  override poll(): Promise<SourceEnvelope[]> {
    const out: SourceEnvelope[] = [];
    while (this.next <= this.last && out.length < 3) {
      const row = this.next++;
      out.push(
        SourceEnvelope.withOffset(
          SourceRecord.json(TOPIC, { row: Number(row) }),
          Offset.of('rows', row),
        ),
      );
    }
    return Promise.resolve(out);
  }

  override commit?(offsets: Offset[]): Promise<void> {
    this.calls.push('commit');
    this.hooks.onCommit?.(offsets);
    this.committed.push(offsets);
    return Promise.resolve();
  }

  override shutdown(): Promise<void> {
    this.calls.push('shutdown');
    return Promise.resolve();
  }
}

function core(input: CoreConfigInput = {}) {
  return testCoreConfig({
    connector_name: 'rows-source',
    ...input,
    processing: {
      poll_interval_ms: 1,
      batch_timeout_ms: 1,
      log_level: 'silent',
      ...input.processing,
    },
    retry: { retry_backoff_ms: 1, max_backoff_ms: 2, max_retries: 2, ...input.retry },
  });
}

function runtime(
  connector: SourceConnector,
  held: HeldSends,
  options: SourceRuntimeOptions & { input?: CoreConfigInput } = {},
) {
  const { input, ...rest } = options;
  const rt = new SourceRuntime(connector, core(input), {
    logger: quietLogger(),
    http: false,
    clientFactory: held.factory,
    ...rest,
  });
  const stop = new AbortController();
  const done = rt.run({ signal: stop.signal, handleSignals: false });
  done.catch(() => undefined);
  return { runtime: rt, done, stop: () => stop.abort() };
}

/** Lets the event loop turn until `predicate` holds (no clock time involved). */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 100_000 && !predicate(); i += 1)
    await new Promise((resolve) => setImmediate(resolve));
  expect(predicate()).toBe(true);
}

const rowsOf = (held: HeldSends): number[] =>
  [...held.stored.values()].flat().map((p) => (JSON.parse(p.toString()) as { row: number }).row);

describe('SourceRuntime with an offsets store', () => {
  it('locks and loads the store before initialize, and gives the offsets and instance in context', async () => {
    const offsets = new InMemoryOffsets();
    offsets.offsets.set('rows', toStoredOffset(Offset.of('rows', 41n)));
    offsets.offsets.set('other', {
      partition: 'other',
      type: 'string',
      value: 'x',
      metadata: 'session 7',
    });
    const held = new HeldSends();
    const connector = new Rows(41n);
    const store = offsets.store();
    const run = runtime(connector, held, {
      offsetStore: store,
      input: { offsets: { instance_index: 1, instance_count: 3 } },
    });
    await run.runtime.whenRunning();
    expect(offsets.holder).toBe(store);
    const context = connector.context as ConnectorContext;
    expect(context.offset('rows')).toEqual(Offset.of('rows', 41n));
    expect(context.offset('other')).toEqual(Offset.withMetadata('other', 'x', 'session 7'));
    expect(context.offset('missing')).toBeUndefined();
    expect([...context.offsets.keys()].sort()).toEqual(['other', 'rows']);
    expect(context.instance).toEqual({ index: 1, count: 3 });
    run.stop();
    await run.done;
    expect(offsets.holder).toBeUndefined(); // released at the stop
  });

  it('saves the contiguous published prefix before each commit(), also without a commit()', async () => {
    for (const withCommit of [true, false]) {
      const offsets = new InMemoryOffsets();
      const held = new HeldSends();
      const seenAtCommit: Array<StoredOffset | undefined> = [];
      const connector = new Rows(3n, {
        commit: withCommit,
        onCommit: () => seenAtCommit.push(offsets.offsets.get('rows')),
      });
      const run = runtime(connector, held, { offsetStore: offsets.store() });
      await until(() => held.held.length === 1); // ordered: one send in flight at a time
      held.take(0)?.succeed();
      await until(() => offsets.saves.length === 1);
      expect(offsets.saves[0]).toEqual([toStoredOffset(Offset.of('rows', 1n))]);
      await until(() => held.held.length === 1);
      held.take(0)?.succeed();
      await until(() => held.held.length === 1);
      held.take(0)?.succeed();
      await until(() => offsets.offsets.get('rows')?.value === '3');
      run.stop();
      await run.done;
      expect(rowsOf(held)).toEqual([1, 2, 3]);
      if (withCommit) {
        // Saved before the connector heard of it.
        expect(seenAtCommit.map((s) => s?.value)).toEqual(
          connector.committed.map((c) => String(c[0]?.value)),
        );
      } else {
        expect(connector.calls).toEqual(['initialize', 'shutdown']);
      }
    }
  });

  it('stops before initialize when another live instance holds the lock, naming it', async () => {
    const offsets = new InMemoryOffsets();
    await offsets.store().lock();
    let clients = 0;
    const held = new HeldSends();
    const connector = new Rows(3n);
    const run = runtime(connector, held, {
      offsetStore: offsets.store(),
      clientFactory: (o) => {
        clients += 1;
        return held.factory(o);
      },
    });
    await expect(run.done).rejects.toBeInstanceOf(OffsetLockError);
    expect(connector.calls).toEqual([]);
    expect(clients).toBe(0);
  });

  it('retries a failing save, and never calls commit() for offsets not saved', async () => {
    const offsets = new InMemoryOffsets();
    const inner = offsets.store();
    let failures = 2;
    const flaky: OffsetStore = {
      description: 'flaky',
      lock: () => inner.lock(),
      load: () => inner.load(),
      close: () => inner.close(),
      save: (o) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : inner.save(o)),
    };
    const held = new HeldSends();
    const connector = new Rows(1n);
    const run = runtime(connector, held, { offsetStore: flaky });
    await until(() => held.held.length === 1);
    held.take(0)?.succeed();
    await until(() => connector.committed.length === 1);
    expect(offsets.saves).toEqual([[toStoredOffset(Offset.of('rows', 1n))]]);
    run.stop();
    await run.done;

    const failing = new Rows(1n);
    const held2 = new HeldSends();
    const fresh = new InMemoryOffsets().store();
    const run2 = runtime(failing, held2, {
      offsetStore: {
        description: 'flaky',
        lock: () => fresh.lock(),
        load: () => fresh.load(),
        close: () => fresh.close(),
        save: () => Promise.reject(new Error('disk full')),
      },
    });
    await until(() => held2.held.length === 1);
    held2.take(0)?.succeed();
    await expect(run2.done).rejects.toThrow(
      /commit\(\) kept failing after 2 retries: saving offsets to flaky failed: disk full/,
    );
    expect(failing.committed).toEqual([]);
  });

  it('stops at once (no retry) when the store says the lock was lost', async () => {
    const offsets = new InMemoryOffsets();
    const store = offsets.store();
    let saves = 0;
    const held = new HeldSends();
    const run = runtime(new Rows(1n), held, {
      offsetStore: {
        description: 'memory',
        lock: () => store.lock(),
        load: () => store.load(),
        close: () => store.close(),
        save: () => {
          saves += 1;
          return Promise.reject(
            new OffsetLockError('memory: this process lost its lock', undefined),
          );
        },
      },
    });
    await until(() => held.held.length === 1);
    held.take(0)?.succeed();
    await expect(run.done).rejects.toThrow(/lost its lock/);
    expect(saves).toBe(1);
  });

  it('after a hard stop: nothing more saved, no shutdown(), and a restart resumes from what was saved', async () => {
    const offsets = new InMemoryOffsets();
    const held = new HeldSends();
    const first = new Rows(6n);
    const run = runtime(first, held, { offsetStore: offsets.store() });
    await until(() => held.held.length === 1);
    held.take(0)?.succeed(); // row 1 published and saved
    await until(() => offsets.offsets.get('rows')?.value === '1' && held.held.length === 1);
    hardStop(run.runtime); // row 2 is in flight, rows 3… handed over or not
    await run.done;
    held.take(0)?.succeed(); // the broker answers row 2 after the "crash": not committed
    await new Promise((resolve) => setImmediate(resolve));
    expect(offsets.saves.length).toBe(1);
    expect(first.calls).not.toContain('shutdown');
    expect(offsets.holder).toBeDefined(); // left behind, as by a killed process

    const held2 = new HeldSends();
    const second = new Rows(6n);
    const run2 = runtime(second, held2, { offsetStore: offsets.store() });
    await run2.runtime.whenRunning();
    expect(second.context?.offset('rows')?.value).toBe(1n);
    for (let row = 2; row <= 6; row += 1) {
      await until(() => held2.held.length === 1);
      held2.take(0)?.succeed();
    }
    await until(() => offsets.offsets.get('rows')?.value === '6');
    run2.stop();
    await run2.done;
    expect(rowsOf(held2)).toEqual([2, 3, 4, 5, 6]);
  });

  it('keeps them in the file [offsets] names, relative to the configuration folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'runtime-offsets-'));
    try {
      const held = new HeldSends();
      const input: CoreConfigInput = {
        config_dir: dir,
        offsets: { store: 'file', path: 'state' },
      };
      const run = runtime(new Rows(2n, { commit: false }), held, { input });
      for (let i = 0; i < 2; i += 1) {
        await until(() => held.held.length === 1);
        held.take(0)?.succeed();
      }
      run.stop();
      await run.done;
      const file = JSON.parse(
        await readFile(path.join(dir, 'state', 'rows-source.0.offsets.json'), 'utf8'),
      ) as { offsets: StoredOffset[] };
      expect(file.offsets).toEqual([{ partition: 'rows', type: 'bigint', value: '2' }]);

      const again = new Rows(2n, { commit: false });
      const run2 = runtime(again, new HeldSends(), { input });
      await run2.runtime.whenRunning();
      expect(again.context?.offset('rows')).toEqual(Offset.of('rows', 2n));
      run2.stop();
      await run2.done;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without [offsets] keeps nothing and gives an empty context', async () => {
    const held = new HeldSends();
    const connector = new Rows(1n);
    const run = runtime(connector, held);
    await run.runtime.whenRunning();
    expect(connector.context?.offsets.size).toBe(0);
    expect(connector.context?.instance).toEqual({ index: 0, count: 1 });
    await until(() => held.held.length === 1);
    held.take(0)?.succeed();
    run.stop();
    await run.done;
  });
});
