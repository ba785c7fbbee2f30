/**
 * The file store under SIGKILL: a child process saves ever higher offsets as fast as it can
 * and is killed mid-way, again and again; after every kill the file must parse, hold a
 * consistent state (both partitions of one save), keep every save the child saw complete,
 * and never go back. Each restart must take over the dead child's lock at once.
 *
 * The kill is triggered by the k-th change the child makes in the folder (inotify through
 * `fs.watch`), so it lands in every phase of a save: temporary file created, written,
 * renamed. (Killing on the child's own "saved" message lands at the same early phase every
 * time, and did not catch a store that truncates and rewrites the file in place.)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileOffsetStore } from '../../src/runtime/offsets/file-store.js';
import type { SaveLoopMessage } from '../fixtures/offsets/save-loop.js';
import { built } from '../support/built.js';

/** Compiled once per run by test/global-setup.ts: children start in tens of milliseconds. */
const CHILD = built('test/fixtures/offsets/save-loop.ts');
const ROUNDS = 12;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'offsets-kill-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the child; `saved(n)` resolves after its n-th completed save, `acked` is the last. */
function start(): {
  process: ChildProcess;
  locked: Promise<number>;
  saved: (count: number) => Promise<void>;
  acked: () => number;
  exited: Promise<NodeJS.Signals | null>;
} {
  const proc = fork(CHILD, [dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let acked = -1;
  let count = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let onLocked: (loaded: number) => void = () => undefined;
  const locked = new Promise<number>((resolve) => (onLocked = resolve));
  proc.on('message', (raw) => {
    const message = raw as SaveLoopMessage;
    if (message.type === 'locked') onLocked(message.loaded);
    if (message.type !== 'saved') return;
    acked = message.value;
    count += 1;
    for (const waiter of waiters.filter((w) => count >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    proc.once('exit', (_code, signal) => resolve(signal)),
  );
  return {
    process: proc,
    locked,
    saved: (n) => new Promise((resolve) => waiters.push({ count: n, resolve })),
    acked: () => acked,
    exited,
  };
}

/** SIGKILLs `proc` at the `count`-th change in the store folder from now. */
function killAtChange(proc: ChildProcess, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const watcher = watch(dir, () => {
      seen += 1;
      if (seen !== count) return;
      proc.kill('SIGKILL');
      watcher.close();
      resolve();
    });
  });
}

async function persisted(): Promise<{ a: number; b: bigint } | undefined> {
  const store = new FileOffsetStore({
    directory: dir,
    connector: 'kill-loop',
    instance: 0,
    leaseMs: 60_000,
  });
  const offsets = await store.load();
  if (offsets.length === 0) return undefined;
  const byPartition = new Map(offsets.map((o) => [o.partition, o]));
  const a = byPartition.get('a');
  const b = byPartition.get('b');
  expect(a?.type).toBe('number');
  expect(b?.type).toBe('bigint');
  return { a: Number(a?.value), b: BigInt(b?.value ?? '') };
}

describe('FileOffsetStore killed mid-save', () => {
  it(`keeps a valid, complete, monotonic state over ${ROUNDS} SIGKILLs, and restarts past the dead holder's lock`, async () => {
    let last = -1;
    for (let round = 0; round < ROUNDS; round += 1) {
      const run = start();
      // The previous child died holding the lock: taken over at once, resuming from the file.
      expect(await run.locked).toBe(last);
      await run.saved(1);
      await killAtChange(run.process, 1 + ((round * 7) % 11));
      expect(await run.exited).toBe('SIGKILL');

      const state = await persisted();
      expect(state).toBeDefined();
      const { a, b } = state as { a: number; b: bigint };
      expect(b).toBe(BigInt(a) * 10n ** 20n);
      expect(a).toBeGreaterThanOrEqual(run.acked());
      expect(a).toBeGreaterThanOrEqual(last);
      last = a;
    }
    // At most the interrupted save's temporary file is left, until the next lock() removes it.
    const leftovers = (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
    expect(leftovers.length).toBeLessThanOrEqual(1);
  }, 120_000);
});
