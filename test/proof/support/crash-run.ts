/**
 * Crash-consistency runs shared by test/proof/crash.test.ts and the PostgreSQL store's
 * tests: the crash fixture in a child process is SIGKILLed at a chosen point, restarted,
 * and what the broker (in the test's process, running across the restart) holds is checked
 * against the file-backed source: nothing lost, and duplicates only from the window that
 * was published but not committed when the process died.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { partitionTopicName } from '../../../src/client/routing.js';
import type { EmbeddedBroker } from '../../../src/testing/broker/server.js';
import type { CrashMessage } from '../../fixtures/proof/crash-connector.js';
import { awaitEvent } from '../../support/await-event.js';
import { built } from '../../support/built.js';
import { seqOf } from './sequence.js';

const RECORDS = 300;

/** The crash fixture compiled once per run (test/global-setup.ts): a child starts in well under a second. */
export function crashFixture(): string {
  return built('test/fixtures/proof/crash-connector.ts');
}

/** One run of the fixture. */
export interface CrashChild {
  process: ChildProcess;
  messages: CrashMessage[];
  /** Resolves with the first message matching `type`. */
  next(type: CrashMessage['type']): Promise<CrashMessage>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The source file, the topic and the folder of one scenario. */
export interface CrashRun {
  dir: string;
  topic: string;
}

/** One crash scenario. */
export interface CrashScenario {
  name: string;
  /** CRASH_* variables besides the service URL, topic and folder. */
  env: Record<string, string>;
  /** Waits for the chosen point and SIGKILLs the child there. */
  kill: (child: CrashChild, run: CrashRun) => Promise<void>;
  /** The last committed seq as persisted after the kill (-1 when none). */
  persisted: (run: CrashRun) => Promise<number>;
}

function spawnConnector(entry: string, env: Record<string, string>): CrashChild {
  const child = fork(entry, [], {
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
      awaitEvent(
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
              reject(
                new Error(`connector exited (code ${code}, signal ${signal}) before "${type}"`),
              );
            }
          });
        }),
        `the crash connector's "${type}" message`,
      ),
  };
}

async function prepare(name: string): Promise<CrashRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `crash-${name}-`));
  const lines = Array.from({ length: RECORDS }, (_, seq) =>
    JSON.stringify({ seq, key: `key-${seq % 7}` }),
  );
  await writeFile(path.join(dir, 'source.jsonl'), `${lines.join('\n')}\n`);
  return { dir, topic: `/proof/crash-${name}` };
}

/** The offset the fixture keeps itself (`CRASH_STORE=connector`). */
export async function connectorOffset(run: CrashRun): Promise<number> {
  try {
    return (
      JSON.parse(await readFile(path.join(run.dir, 'offset.json'), 'utf8')) as {
        committed: number;
      }
    ).committed;
  } catch {
    return -1;
  }
}

function storedSeqs(broker: EmbeddedBroker, topic: string): number[] {
  return [0, 1].flatMap((i) =>
    broker.messages(partitionTopicName(topic, i)).map((m) => seqOf(m.payload)),
  );
}

/** Kills the fixture once `count` of its records are stored on the broker (mid-batch). */
export function killWhenStored(
  broker: EmbeddedBroker,
  count: number,
): (child: CrashChild, run: CrashRun) => Promise<void> {
  return (child, run) => {
    const partitions = new Set([0, 1].map((i) => partitionTopicName(run.topic, i)));
    let seen = 0;
    const killed = new Promise<void>((resolve) => {
      const onMessage = (message: { topic: string }): void => {
        if (!partitions.has(message.topic) || ++seen !== count) return;
        child.process.kill('SIGKILL');
        broker.off('message', onMessage);
        resolve();
      };
      broker.on('message', onMessage);
    });
    return awaitEvent(killed, `${count} messages stored on ${run.topic}`);
  };
}

/**
 * Kills the first run as the scenario says, restarts, lets the second run finish, checks
 * the broker against the source and returns a summary line.
 */
export async function crashAndRecover(
  broker: EmbeddedBroker,
  entry: string,
  scenario: CrashScenario,
): Promise<string> {
  const run = await prepare(scenario.name);
  try {
    const base = { CRASH_SERVICE_URL: broker.url, CRASH_TOPIC: run.topic, CRASH_DIR: run.dir };
    const first = spawnConnector(entry, { ...base, ...scenario.env });
    await scenario.kill(first, run);
    const death = await awaitEvent(first.exited, 'the killed connector to exit');
    expect(death.signal).toBe('SIGKILL');

    const committedAtKill = await scenario.persisted(run);
    const storedAtKill = new Set(storedSeqs(broker, run.topic));
    // The persisted offset never runs ahead of what the broker holds.
    for (let seq = 0; seq <= committedAtKill; seq += 1)
      expect(storedAtKill.has(seq), `committed ${seq} not stored`).toBe(true);

    // The dead first run still "holds" any offsets lock: the restart must not be refused.
    const second = spawnConnector(entry, { ...base, ...scenario.env, CRASH_POINT: 'none' });
    const started = await second.next('started');
    expect(started).toEqual({ type: 'started', resumeFrom: committedAtKill + 1 });
    await second.next('done');
    expect((await awaitEvent(second.exited, 'the restarted connector to exit')).code).toBe(0);

    const stored = storedSeqs(broker, run.topic);
    const counts = new Map<number, number>();
    for (const seq of stored) counts.set(seq, (counts.get(seq) ?? 0) + 1);
    const lost = Array.from({ length: RECORDS }, (_, seq) => seq).filter((seq) => !counts.has(seq));
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([seq]) => seq);
    const outsideWindow = duplicated.filter(
      (seq) => seq <= committedAtKill || !storedAtKill.has(seq),
    );
    expect(lost).toEqual([]);
    expect(outsideWindow).toEqual([]);
    expect(duplicated.length).toBeLessThanOrEqual(storedAtKill.size - (committedAtKill + 1));
    return (
      `${scenario.name.padEnd(28)} committed at kill ${String(committedAtKill).padStart(3)}, stored at kill ${String(storedAtKill.size).padStart(3)}, ` +
      `lost ${lost.length}, duplicates ${duplicated.length} (window ${storedAtKill.size - (committedAtKill + 1)}), outside window ${outsideWindow.length}`
    );
  } finally {
    await rm(run.dir, { recursive: true, force: true });
  }
}
