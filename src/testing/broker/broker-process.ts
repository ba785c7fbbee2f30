import { fork, type ChildProcess } from 'node:child_process';
import { forkableModule } from './ts-source-loader.js';
import type {
  BrokerProcessOptions,
  BrokerQuery,
  BrokerQueryResults,
  ToChild,
  ToParent,
} from './process-protocol.js';
import type { BrokerMethod, BrokerStats } from './types.js';
import { DanubeConnectError } from '../../errors.js';

const READY_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 10_000;

/** An embedded broker running in a child process (its own event loop). */
export interface BrokerProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** The child's process id. */
  readonly pid: number;
  /** Messages stored in `topic` (0 for an unknown topic). */
  messageCount(topic: string): Promise<number>;
  /** Names of the topics that exist, partition topics included. */
  topics(): Promise<string[]>;
  /** The broker's call counters and message totals. */
  stats(): Promise<BrokerStats>;
  /** Creates a namespace so producers may create topics in it. */
  createNamespace(name: string): Promise<void>;
  /** Delays every call of `method` (every method when omitted) by `ms`; 0 clears (`faults.latency`). */
  latency(ms: number, method?: BrokerMethod): Promise<void>;
  /** Closes the broker and waits for the child to exit. */
  close(): Promise<void>;
}

class ChildBroker implements BrokerProcess {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly exited: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (raw: unknown) => {
      const message = raw as ToParent;
      if (message.type !== 'answer') return;
      const pending = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error !== undefined)
        pending?.reject(new DanubeConnectError('internal', message.error));
      else pending?.resolve(message.result);
    });
    child.once('exit', () => {
      for (const pending of this.waiting.values()) {
        pending.reject(new DanubeConnectError('unavailable', 'the broker process exited'));
      }
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  messageCount(topic: string): Promise<number> {
    return this.query({ op: 'messageCount', topic });
  }

  topics(): Promise<string[]> {
    return this.query({ op: 'topics' });
  }

  stats(): Promise<BrokerStats> {
    return this.query({ op: 'stats' });
  }

  async createNamespace(name: string): Promise<void> {
    await this.query({ op: 'createNamespace', name });
  }

  async latency(ms: number, method?: BrokerMethod): Promise<void> {
    await this.query(method === undefined ? { op: 'latency', ms } : { op: 'latency', ms, method });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'close' } satisfies ToChild);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private query<Q extends BrokerQuery>(query: Q): Promise<BrokerQueryResults[Q['op']]> {
    if (!this.child.connected)
      return Promise.reject(new DanubeConnectError('unavailable', 'the broker process is gone'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (value) => resolve(value as BrokerQueryResults[Q['op']]),
        reject,
      });
      this.child.send({ type: 'query', id, query } satisfies ToChild);
    });
  }
}

/**
 * Starts the embedded broker in a child process, so that benchmarks do not share the
 * event loop with the code they measure. Works from `dist/` (forks the compiled entry)
 * and from `src/` under vitest (forks the `.ts` entry with TypeScript source hooks, which
 * need the `typescript` devDependency). Startup takes a few seconds from `src/`.
 *
 * @example
 * ```ts
 * const broker = await startBrokerProcess({ namespaces: ['default'] });
 * // ... publish to broker.url ...
 * expect(await broker.messageCount('/default/bench')).toBe(10_000);
 * await broker.close();
 * ```
 */
export function startBrokerProcess(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
  const entry = forkableModule('./process-entry', import.meta.url);
  const child = fork(entry.file, [], {
    execArgv: entry.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(
        new DanubeConnectError(
          'timeout',
          `the broker process did not start within ${READY_TIMEOUT_MS} ms`,
        ),
      );
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null): void => {
      fail(
        new DanubeConnectError(
          'unavailable',
          `the broker process exited before it was ready (code ${code})`,
        ),
      );
    };
    const onError = (error: Error): void => fail(error);
    const onMessage = (raw: unknown): void => {
      const message = raw as ToParent;
      if (message.type === 'ready') {
        cleanup();
        resolve(new ChildBroker(child, message.url, message.port));
      } else if (message.type === 'failed') {
        fail(
          new DanubeConnectError(
            'unavailable',
            `the broker process failed to start: ${message.message}`,
          ),
        );
      }
    };
    function cleanup(): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      child.off('message', onMessage);
    }
    function fail(error: Error): void {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    }
    child.on('exit', onExit);
    child.on('error', onError);
    child.on('message', onMessage);
    child.send({ type: 'start', options } satisfies ToChild);
  });
}
