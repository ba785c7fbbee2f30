import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { partitionTopicName } from '../src/client/routing.js';
import type { BrokerCommand, BrokerReply } from './broker-ipc.js';

type CommandBody =
  | { type: 'count'; topics: string[] }
  | { type: 'latency'; ms: number }
  | { type: 'reset' }
  | { type: 'close' };

/** The benchmark's broker, running in a child process. */
export interface BenchBroker {
  readonly url: string;
  /** Messages stored on `topic` (summed over its partition topics when `partitions` > 0). */
  storedCount(topic: string, partitions: number): Promise<number>;
  /** Adds `ms` to every SendMessage (0 clears). */
  setSendLatency(ms: number): Promise<void>;
  /** Drops every topic and producer (frees memory between scenarios). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Forks `bench/broker-child.ts` and waits until it listens. */
export async function startBenchBroker(): Promise<BenchBroker> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./broker-child.ts', import.meta.url)),
    [],
    {
      execArgv: ['--import', './scripts/register-ts.mjs'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const pending = new Map<number, (value: number) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`bench broker exited early (code ${String(code)})`)),
    );
    child.on('message', (raw: unknown) => {
      const message = raw as BrokerReply;
      if (message.type === 'ready') resolve(message.url);
      else pending.get(message.id)?.(message.value);
    });
  });
  const call = (body: CommandBody): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (value) => {
        pending.delete(id);
        resolve(value);
      });
      const command: BrokerCommand = { ...body, id };
      child.send(command, (error) => {
        if (error) reject(error);
      });
    });
  return {
    url,
    storedCount: (topic, partitions) =>
      call({
        type: 'count',
        topics:
          partitions === 0
            ? [topic]
            : Array.from({ length: partitions }, (_, i) => partitionTopicName(topic, i)),
      }),
    setSendLatency: async (ms) => {
      await call({ type: 'latency', ms });
    },
    reset: async () => {
      await call({ type: 'reset' });
    },
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call({ type: 'close' });
      await exited;
    },
  };
}
