/**
 * Crash consistency: a connector in a child process is SIGKILLed at a chosen point,
 * restarted, and what the broker (in this process, running across the restart) holds is
 * checked against the file-backed source: nothing lost, and duplicates only from the
 * window that was published but not committed when the process died.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionTopicName } from '../../src/client/routing.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/broker/server.js';
import type { CrashMessage } from '../fixtures/proof/crash-connector.js';
import { seqOf } from './support/sequence.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/proof/crash-connector.ts', import.meta.url));
const RECORDS = 300;

let broker: EmbeddedBroker;
const summary: string[] = [];

beforeAll(async () => {
  broker = await startBroker({ namespaces: ['default', 'proof'] });
});

afterAll(async () => {
  await broker.close();
  console.log(`\nCrash consistency\n${summary.join('\n')}\n`);
});

interface Child {
  process: ChildProcess;
  messages: CrashMessage[];
  /** Resolves with the first message matching `type`. */
  next(type: CrashMessage['type']): Promise<CrashMessage>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnConnector(env: Record<string, string>): Child {
  const child = fork(FIXTURE, [], {
    cwd: REPO,
    execArgv: ['--import', './scripts/register-ts.mjs'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: CrashMessage[] = [];
  const listeners = new Set<(m: CrashMessage) => void>();
  child.on('message', (raw: unknown) => {
    const message = raw as CrashMessage;
    messages.push(message);
    for (const listener of listeners) listener(message);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    messages,
    exited,
    next: (type) =>
      new Promise<CrashMessage>((resolve, reject) => {
        const seen = messages.find((m) => m.type === type);
        if (seen) return resolve(seen);
        const listener = (m: CrashMessage): void => {
          if (m.type !== type) return;
          listeners.delete(listener);
          resolve(m);
        };
        listeners.add(listener);
        void exited.then(({ code, signal }) => {
          if (listeners.delete(listener)) {
            reject(new Error(`connector exited (code ${code}, signal ${signal}) before "${type}"`));
          }
        });
      }),
  };
}

interface CrashRun {
  dir: string;
  topic: string;
}

async function prepare(name: string): Promise<CrashRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `crash-${name}-`));
  const lines = Array.from({ length: RECORDS }, (_, seq) =>
    JSON.stringify({ seq, key: `key-${seq % 7}` }),
  );
  await writeFile(path.join(dir, 'source.jsonl'), `${lines.join('\n')}\n`);
  return { dir, topic: `/proof/crash-${name}` };
}

async function persistedOffset(dir: string): Promise<number> {
  try {
    return (
      JSON.parse(await readFile(path.join(dir, 'offset.json'), 'utf8')) as { committed: number }
    ).committed;
  } catch {
    return -1;
  }
}

function storedSeqs(topic: string): number[] {
  return [0, 1].flatMap((i) =>
    broker.messages(partitionTopicName(topic, i)).map((m) => seqOf(m.payload)),
  );
}

/**
 * Kills the first run with `kill`, restarts, lets the second run finish, and checks
 * the broker against the source.
 */
async function crashAndRecover(
  name: string,
  env: Record<string, string>,
  kill: (child: Child, run: CrashRun) => Promise<void>,
): Promise<void> {
  const run = await prepare(name);
  try {
    const base = { CRASH_SERVICE_URL: broker.url, CRASH_TOPIC: run.topic, CRASH_DIR: run.dir };
    const first = spawnConnector({ ...base, ...env });
    await kill(first, run);
    const death = await first.exited;
    expect(death.signal).toBe('SIGKILL');

    const committedAtKill = await persistedOffset(run.dir);
    const storedAtKill = new Set(storedSeqs(run.topic));
    // The persisted offset never runs ahead of what the broker holds.
    for (let seq = 0; seq <= committedAtKill; seq += 1)
      expect(storedAtKill.has(seq), `committed ${seq} not stored`).toBe(true);

    const second = spawnConnector({ ...base, CRASH_POINT: 'none' });
    const started = await second.next('started');
    expect(started).toEqual({ type: 'started', resumeFrom: committedAtKill + 1 });
    await second.next('done');
    expect((await second.exited).code).toBe(0);

    const stored = storedSeqs(run.topic);
    const counts = new Map<number, number>();
    for (const seq of stored) counts.set(seq, (counts.get(seq) ?? 0) + 1);
    const lost = Array.from({ length: RECORDS }, (_, seq) => seq).filter((seq) => !counts.has(seq));
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([seq]) => seq);
    const outsideWindow = duplicated.filter(
      (seq) => seq <= committedAtKill || !storedAtKill.has(seq),
    );
    summary.push(
      `${name.padEnd(28)} committed at kill ${String(committedAtKill).padStart(3)}, stored at kill ${String(storedAtKill.size).padStart(3)}, ` +
        `lost ${lost.length}, duplicates ${duplicated.length} (window ${storedAtKill.size - (committedAtKill + 1)}), outside window ${outsideWindow.length}`,
    );
    expect(lost).toEqual([]);
    expect(outsideWindow).toEqual([]);
    expect(duplicated.length).toBeLessThanOrEqual(storedAtKill.size - (committedAtKill + 1));
  } finally {
    await rm(run.dir, { recursive: true, force: true });
  }
}

describe('crash consistency (SIGKILL, restart, compare broker with source)', () => {
  it('killed after publish, before commit: re-publishes only the uncommitted window', async () => {
    await crashAndRecover(
      'before-commit',
      { CRASH_POINT: 'before-commit', CRASH_AFTER: '100' },
      async (child) => {
        const point = await child.next('point');
        expect(point).toMatchObject({ point: 'before-commit' });
        child.process.kill('SIGKILL');
      },
    );
  }, 180_000);

  it('killed during commit (offset written, not yet in place): resumes from the previous offset', async () => {
    await crashAndRecover(
      'during-commit',
      { CRASH_POINT: 'during-commit', CRASH_AFTER: '150' },
      async (child) => {
        const point = await child.next('point');
        expect(point).toMatchObject({ point: 'during-commit' });
        child.process.kill('SIGKILL');
      },
    );
  }, 180_000);

  it('killed mid-batch (the broker holds part of a poll batch): nothing lost', async () => {
    await crashAndRecover('mid-batch', { CRASH_POINT: 'none' }, async (child, run) => {
      const partitions = new Set([0, 1].map((i) => partitionTopicName(run.topic, i)));
      let seen = 0;
      await new Promise<void>((resolve) => {
        const onMessage = (message: { topic: string }): void => {
          if (!partitions.has(message.topic) || ++seen !== 75) return;
          child.process.kill('SIGKILL');
          broker.off('message', onMessage);
          resolve();
        };
        broker.on('message', onMessage);
      });
    });
  }, 180_000);
});
