import { status as GrpcStatus } from '@grpc/grpc-js';
import { DanubeError } from '../../../src/client/errors.js';
import type { SendReceipt } from '../../../src/client/partition-producer.js';
import type { ProducerOptions, SendOptions } from '../../../src/client/producer.js';
import { partitionForKey, partitionTopicName } from '../../../src/client/routing.js';
import type { ClientFactory, PublishProducer, RuntimeClient } from '../../../src/runtime/index.js';
import type { SchemaRegistryApi } from '../../../src/schema/registry-api.js';

/** A send waiting for the test to answer it. */
export interface HeldSend {
  partitionTopic: string;
  payload: Buffer;
  succeed(): void;
  fail(error: Error): void;
}

/**
 * A Danube client for `SourceRuntime`'s public `clientFactory` option whose sends wait
 * until the test answers them, in any order, with success or an error: the runtime is
 * driven through every completion order without a broker.
 */
export class HeldSends {
  readonly held: HeldSend[] = [];
  /** Partition topic → payloads in the order they were stored (answered with success). */
  readonly stored = new Map<string, Buffer[]>();
  #requestId = 1;

  /** The `clientFactory` to pass to `new SourceRuntime(…, { clientFactory })`. */
  readonly factory: ClientFactory = () => {
    const client: RuntimeClient = {
      createProducer: (options) => Promise.resolve(this.#producer(options)),
      schemas: {} as SchemaRegistryApi,
      close: () => Promise.resolve(),
    };
    return Promise.resolve(client);
  };

  #producer(options: ProducerOptions): PublishProducer {
    const partitions = options.partitions ?? 0;
    const partitionTopics =
      partitions === 0
        ? [options.topic]
        : Array.from({ length: partitions }, (_, i) => partitionTopicName(options.topic, i));
    let roundRobin = 0;
    return {
      topic: options.topic,
      name: options.name,
      partitionTopics,
      route: (key?: string): number => {
        if (partitions === 0) return 0;
        if (key !== undefined) return partitionForKey(key, partitions);
        const next = roundRobin;
        roundRobin = (next + 1) % partitions;
        return next;
      },
      send: (payload: Uint8Array, sendOptions: SendOptions = {}): Promise<SendReceipt> => {
        const partitionTopic = partitionTopics[sendOptions.partition ?? 0] ?? options.topic;
        return new Promise<SendReceipt>((resolve, reject) => {
          const copy = Buffer.from(payload);
          this.held.push({
            partitionTopic,
            payload: copy,
            succeed: () => {
              this.stored.set(partitionTopic, [...(this.stored.get(partitionTopic) ?? []), copy]);
              resolve({
                requestId: String(this.#requestId++),
                producerId: '1',
                topic: partitionTopic,
              });
            },
            fail: reject,
          });
        });
      },
      close: () => Promise.resolve(),
    };
  }

  /** Takes held send `index` (mod the number held) out of the queue. */
  take(index: number): HeldSend | undefined {
    if (this.held.length === 0) return undefined;
    const [send] = this.held.splice(index % this.held.length, 1);
    return send;
  }
}

/** The broker's answer to a send it could not take now (retried by the runtime). */
export function unavailable(topic: string): DanubeError {
  return new DanubeError(`SendMessage on topic ${topic} failed: UNAVAILABLE: injected`, {
    kind: 'unavailable',
    code: GrpcStatus.UNAVAILABLE,
    topic,
  });
}

/** The broker's refusal of a message (never retried: the failure policy applies). */
export function refused(topic: string): DanubeError {
  return new DanubeError(`SendMessage on topic ${topic} failed: INVALID_ARGUMENT: injected`, {
    kind: 'oversize',
    code: GrpcStatus.INVALID_ARGUMENT,
    topic,
  });
}
