import { status as GrpcStatus } from '@grpc/grpc-js';
import { DanubeError } from '../../src/client/errors.js';
import type { SendReceipt } from '../../src/client/partition-producer.js';
import type { SendOptions } from '../../src/client/producer.js';
import { partitionForKey, partitionTopicName } from '../../src/client/routing.js';
import type { PublishProducer } from '../../src/runtime/publisher.js';

/** One send the fake producer has not answered yet. */
export interface PendingSend {
  producer: FakeProducer;
  payload: Uint8Array;
  options: SendOptions;
  partitionTopic: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Every fake producer of one test shares this: sends wait until the test answers them. */
export class SendBoard {
  readonly pending: PendingSend[] = [];
  /** Partition topic → payloads in the order their sends started. */
  readonly started = new Map<string, string[]>();
  /** Partition topic → payloads in the order they were "stored". */
  readonly stored = new Map<string, string[]>();
  private nextRequestId = 1;

  /** Answers pending send `index` with success. */
  succeed(index: number): void {
    const [send] = this.pending.splice(index, 1);
    if (send === undefined) throw new Error(`no pending send ${index}`);
    const list = this.stored.get(send.partitionTopic) ?? [];
    list.push(Buffer.from(send.payload).toString());
    this.stored.set(send.partitionTopic, list);
    send.resolve();
  }

  /** Answers pending send `index` with `error`. */
  fail(index: number, error: unknown): void {
    const [send] = this.pending.splice(index, 1);
    if (send === undefined) throw new Error(`no pending send ${index}`);
    send.reject(error);
  }

  requestId(): string {
    return String(this.nextRequestId++);
  }
}

/** A producer whose sends are answered by the test, in any order. */
export class FakeProducer implements PublishProducer {
  readonly topic: string;
  readonly name: string;
  readonly partitions: number;
  readonly partitionTopics: readonly string[];
  private readonly board: SendBoard;
  private roundRobin = 0;

  constructor(board: SendBoard, topic: string, partitions = 0) {
    this.board = board;
    this.topic = topic;
    this.name = `fake-${topic}`;
    this.partitions = partitions;
    this.partitionTopics =
      partitions === 0
        ? [topic]
        : Array.from({ length: partitions }, (_, i) => partitionTopicName(topic, i));
  }

  route(key?: string): number {
    if (this.partitions === 0) return 0;
    if (key !== undefined) return partitionForKey(key, this.partitions);
    const i = this.roundRobin;
    this.roundRobin = (i + 1) % this.partitions;
    return i;
  }

  send(payload: Uint8Array, options: SendOptions = {}): Promise<SendReceipt> {
    const partitionTopic = this.partitionTopics[options.partition ?? 0] as string;
    const list = this.board.started.get(partitionTopic) ?? [];
    list.push(Buffer.from(payload).toString());
    this.board.started.set(partitionTopic, list);
    return new Promise<SendReceipt>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.board.pending.findIndex((p) => p.resolve === done);
        if (i >= 0) this.board.pending.splice(i, 1);
        reject(new DanubeError('cancelled', { kind: 'aborted' }));
      };
      const done = (): void => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ requestId: this.board.requestId(), producerId: '1', topic: partitionTopic });
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.board.pending.push({
        producer: this,
        payload,
        options,
        partitionTopic,
        resolve: done,
        reject: (error) => {
          options.signal?.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      });
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A broker error the runtime retries. */
export function unavailable(): DanubeError {
  return new DanubeError('SendMessage failed: UNAVAILABLE', {
    kind: 'unavailable',
    code: GrpcStatus.UNAVAILABLE,
  });
}

/** A broker error the runtime does not retry. */
export function invalidArgument(): DanubeError {
  return new DanubeError('SendMessage failed: INVALID_ARGUMENT: message too large', {
    kind: 'oversize',
    code: GrpcStatus.INVALID_ARGUMENT,
  });
}

/** Lets pending promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
