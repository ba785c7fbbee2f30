import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/testing/index.js';
import { awaitEvent } from '../support/await-event.js';
import { built } from '../support/built.js';
import { useTestBroker } from './support.js';

const broker = useTestBroker();

const TOPIC = '/default/sigterm';

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  committed: number[];
}

/** Runs the fixture connector, sends SIGTERM once `storedBeforeSignal` messages are stored. */
async function runChild(options: {
  shutdownTimeoutMs: number;
  storedBeforeSignal: number;
}): Promise<ChildResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sigterm-'));
  const commitFile = path.join(dir, 'commits.txt');
  const child = spawn(process.execPath, [built('test/fixtures/runtime/sigterm-child.ts')], {
    env: {
      ...process.env,
      BROKER_URL: broker().url,
      COUNT: '50000',
      COMMIT_FILE: commitFile,
      SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  let stored = 0;
  const flowing = new Promise<void>((resolve, reject) => {
    const onMessage = (message: StoredMessage): void => {
      if (!message.topic.startsWith(TOPIC)) return;
      stored += 1;
      if (stored >= options.storedBeforeSignal) {
        broker().off('message', onMessage);
        resolve();
      }
    };
    broker().on('message', onMessage);
    void exited.then((code) =>
      reject(new Error(`child exited early (${String(code)}): ${stderr}`)),
    );
  });
  await awaitEvent(flowing, `${options.storedBeforeSignal} messages stored on ${TOPIC}`);
  child.kill('SIGTERM');
  const code = await awaitEvent(exited, 'the connector to exit after SIGTERM');
  const text = await readFile(commitFile, 'utf8').catch(() => '');
  const committed = text
    .split('\n')
    .filter((l) => l !== '')
    .map(Number);
  return { code, stdout, stderr, committed };
}

function storedOffsets(): number[] {
  const out: number[] = [];
  for (let p = 0; p < 8; p++) {
    for (const m of broker().messages(`${TOPIC}-part-${p}`)) out.push(Number(m.attributes.i));
  }
  return out;
}

describe('SIGTERM to a connector process with thousands of records in flight', () => {
  it('publishes everything handed over, commits it, and exits 0', async () => {
    // slow the broker down so thousands of records are buffered or in flight at the signal
    broker().faults.latency(2, 'SendMessage');
    const result = await runChild({ shutdownTimeoutMs: 60_000, storedBeforeSignal: 500 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const handedOver = Number(/shutdown handed-over=(\d+)/.exec(result.stdout)?.[1]);
    expect(handedOver).toBeGreaterThan(2_000); // buffer_size 3000: thousands accepted, unpublished at the signal

    const stored = storedOffsets();
    const distinct = new Set(stored);
    const last = result.committed.at(-1) as number;
    // commits only move forward
    expect(result.committed).toEqual([...result.committed].sort((a, b) => a - b));
    // everything handed over was published (no duplicates in this run) and committed
    expect(distinct.size).toBe(handedOver);
    expect(stored).toHaveLength(handedOver);
    expect(last).toBe(handedOver - 1);
    for (let i = 0; i <= last; i++) expect(distinct.has(i)).toBe(true);
  }, 120_000);

  it('with a short shutdown_timeout_ms: what is not published by the deadline is not committed', async () => {
    broker().faults.latency(20, 'SendMessage');
    const result = await runChild({ shutdownTimeoutMs: 300, storedBeforeSignal: 100 });
    expect(result.code).toBe(0);
    const handedOver = Number(/shutdown handed-over=(\d+)/.exec(result.stdout)?.[1]);
    const distinct = new Set(storedOffsets());
    const last = result.committed.at(-1) ?? -1;
    // not everything made it before the deadline …
    expect(distinct.size).toBeLessThan(handedOver);
    // … and the commit never passes an unpublished record
    for (let i = 0; i <= last; i++) expect(distinct.has(i)).toBe(true);
    expect(last).toBeLessThan(handedOver - 1);
  }, 120_000);
});
