import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { OffsetLockError } from '../../src/runtime/offsets/errors.js';
import {
  FileOffsetStore,
  type FileOffsetStoreOptions,
} from '../../src/runtime/offsets/file-store.js';
import type { LeaseWait } from '../../src/runtime/offsets/lease.js';
import { processNamespace } from '../../src/runtime/offsets/lock-holder.js';
import {
  fromStoredOffset,
  toStoredOffset,
  type StoredOffset,
} from '../../src/runtime/offsets/stored-offset.js';
import { ManualClock } from '../../src/runtime/clock.js';

const LEASE = 10_000;
let dir: string;
const opened: FileOffsetStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'file-store-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
});

function store(extra: Partial<FileOffsetStoreOptions> = {}): FileOffsetStore {
  const s = new FileOffsetStore({
    directory: dir,
    connector: 'orders source',
    instance: 0,
    leaseMs: LEASE,
    ...extra,
  });
  opened.push(s);
  return s;
}

const lockFile = (): string => path.join(dir, 'orders%20source.0.offsets.lock');

/** Writes a lock file as another process would have, with its mtime `ageMs` in the past. */
async function foreignLock(holder: Record<string, unknown>, ageMs = 0): Promise<void> {
  await writeFile(
    lockFile(),
    JSON.stringify({
      token: 'their-token',
      host: 'orders-0',
      started_at: '2026-01-01T00:00:00.000Z',
      ...holder,
    }),
  );
  const at = (Date.now() - ageMs) / 1000;
  await utimes(lockFile(), at, at);
}

/** A pid that just exited, in this pid namespace. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

/** Advances `clock` until `task` settles (file I/O needs real turns between the steps). */
async function driveUntilSettled(clock: ManualClock, task: Promise<unknown>): Promise<void> {
  let settled = false;
  void task.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 10_000 && !settled; i += 1) await clock.advance(100);
}

describe('stored offsets', () => {
  it.each([
    Offset.of('big', 2n ** 64n + 1n),
    Offset.of('neg', -42n),
    Offset.of('float', 0.1 + 0.2),
    Offset.of('zero', -0),
    Offset.of('huge', 1e300),
    Offset.of('lsn', '0/16B3748'),
    Offset.of('emoji ✓', 'ünïcödé 🚀'),
    Offset.of('digits', '007'),
    Offset.withMetadata('session', 12n, 'generation 7'),
  ])('keep the exact value, type and metadata of %s', (offset) => {
    const back = fromStoredOffset(toStoredOffset(offset), 'test');
    expect(back.partition).toBe(offset.partition);
    expect(back.metadata).toBe(offset.metadata);
    expect(typeof back.value).toBe(typeof offset.value);
    expect(Object.is(back.value, offset.value)).toBe(true);
  });
});

describe('FileOffsetStore', () => {
  it('saves, merges and loads offsets with their types and metadata, through a new instance', async () => {
    const first = store();
    await first.lock();
    expect(await first.load()).toEqual([]);
    await first.save([
      toStoredOffset(Offset.of('orders', 2n ** 63n)),
      toStoredOffset(Offset.withMetadata('lsn', '0/AB', '{"slot":"danube"}')),
    ]);
    await first.save([toStoredOffset(Offset.of('orders', 2n ** 63n + 5n))]);
    await first.close();

    const second = store();
    await second.lock();
    const loaded = await second.load();
    expect(loaded).toEqual<StoredOffset[]>([
      { partition: 'orders', type: 'bigint', value: '9223372036854775813' },
      { partition: 'lsn', type: 'string', value: '0/AB', metadata: '{"slot":"danube"}' },
    ]);
    await second.replace([toStoredOffset(Offset.of('only', 1))]);
    expect(await second.load()).toEqual([{ partition: 'only', type: 'number', value: '1' }]);
  });

  it('writes one readable JSON file per connector and instance, and no leftovers', async () => {
    const s = store({ connector: 'shop/orders', instance: 3 });
    await s.lock();
    await s.save([toStoredOffset(Offset.of('orders', 7n))]);
    expect(path.basename(s.file)).toBe('shop%2forders.3.offsets.json');
    expect(JSON.parse(await readFile(s.file, 'utf8'))).toMatchObject({
      format: 1,
      connector: 'shop/orders',
      instance: 3,
      offsets: [{ partition: 'orders', type: 'bigint', value: '7' }],
    });
    expect((await readdir(dir)).sort()).toEqual([
      'shop%2forders.3.offsets.json',
      'shop%2forders.3.offsets.lock',
    ]);
  });

  it('refuses to load a file it did not write, naming it', async () => {
    const s = store();
    await writeFile(
      s.file,
      '{"format": 1, "offsets": [{"partition": "a", "type": "bigint", "value": "1.5"}]}',
    );
    await expect(s.load()).rejects.toThrow(
      `offsets file ${s.file}: offsets[0]: offset of partition "a" (bigint): expected an integer, got "1.5"`,
    );
    await writeFile(s.file, '{"offs');
    await expect(s.load()).rejects.toThrow(/is not valid JSON .*changed by something else/);
  });

  it('refuses a second store while the first holds the lock, naming the holder', async () => {
    await store().lock();
    const error = await store()
      .lock()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OffsetLockError);
    expect((error as OffsetLockError).kind).toBe('fatal');
    expect((error as OffsetLockError).holder).toMatchObject({
      host: os.hostname(),
      pid: process.pid,
    });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^offsets of orders source \\(instance 0\\) in ${dir} are locked by another process \\(host ${os.hostname()}, pid ${process.pid}, started .*; it is running\\): is a second instance with the same connector_name and offsets.instance_index running\\?`,
      ),
    );
  });

  it('refuses at once a live holder in this pid namespace (whatever its lease says)', async () => {
    await foreignLock({ pid: process.ppid, process_namespace: processNamespace() });
    await expect(store().lock()).rejects.toThrow(`pid ${process.ppid}`);
  });

  it('takes over at once the lock of a dead process in this pid namespace', async () => {
    await foreignLock({ pid: await deadPid(), process_namespace: processNamespace() });
    const waits: LeaseWait[] = [];
    const s = store({ onWait: (w) => waits.push(w) });
    await s.lock();
    expect(waits).toEqual([]);
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('takes over at once a foreign lock whose lease expired', async () => {
    await foreignLock({ pid: 1, process_namespace: 'linux:another-container' }, LEASE + 1000);
    const waits: LeaseWait[] = [];
    await store({ onWait: (w) => waits.push(w) }).lock();
    expect(waits).toEqual([]);
  });

  it('watches a fresh foreign lock: refused when the holder renews it', async () => {
    await foreignLock({ pid: 1, process_namespace: 'linux:another-container' });
    const clock = new ManualClock();
    let waited: (wait: LeaseWait) => void = () => undefined;
    const waiting = new Promise<LeaseWait>((resolve) => (waited = resolve));
    const locking = store({ clock, onWait: (w) => waited(w) }).lock();
    locking.catch(() => undefined);
    expect(await waiting).toEqual({
      holder: expect.objectContaining({ host: 'orders-0', pid: 1 }) as unknown,
      waitMs: LEASE,
    });
    const later = (Date.now() + 3000) / 1000;
    await utimes(lockFile(), later, later); // the holder renews its lease
    await driveUntilSettled(clock, locking);
    await expect(locking).rejects.toThrow(/host orders-0, pid 1, .*; it renewed its lease\)/);
  });

  it('watches a fresh foreign lock: taken over after a whole lease without renewal', async () => {
    await foreignLock({ pid: 1, process_namespace: 'linux:another-container' });
    const clock = new ManualClock();
    const s = store({ clock, wallClock: () => Date.now() - 1_000_000 });
    const locking = s.lock();
    await driveUntilSettled(clock, locking);
    await locking;
    expect(clock.now()).toBeGreaterThanOrEqual(LEASE);
    await s.save([toStoredOffset(Offset.of('p', 1))]);
  });

  it('renews its lease every third of it, and a holder that lost the lock cannot save', async () => {
    const clock = new ManualClock();
    let wall = 1_000_000_000_000;
    const s = store({ clock, wallClock: () => wall });
    await s.lock();
    wall += 5000;
    await clock.advance(LEASE / 3);
    // The renewal's file I/O finishes on its own schedule: look until it shows.
    await expect.poll(async () => (await stat(lockFile())).mtimeMs, { timeout: 20_000 }).toBe(wall);

    await foreignLock({ pid: 1, process_namespace: 'linux:another-container' });
    const error = await s.save([toStoredOffset(Offset.of('p', 1))]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OffsetLockError);
    expect((error as Error).message).toMatch(
      /this process lost its lock to another one \(host orders-0, pid 1, .*\); its lease was not renewed in time/,
    );
  });

  it('removes its lock file on close; abandon() leaves it, to be taken over', async () => {
    const s = store();
    await s.lock();
    await s.close();
    expect(await readdir(dir)).toEqual([]);

    const crashed = store();
    await crashed.lock();
    crashed.abandon();
    expect(await readdir(dir)).toEqual(['orders%20source.0.offsets.lock']);
    await store().lock(); // same process, not held by a live store any more: taken over
  });
});
