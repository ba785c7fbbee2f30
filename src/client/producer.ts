import { DanubeError } from './errors.js';
import type { RetryOptions, RetryPolicy } from './options.js';
import {
  PartitionProducer,
  type ProducerEnvironment,
  type SendReceipt,
} from './partition-producer.js';
import { partitionForKey, partitionTopicName } from './routing.js';
import type { VersionStrategy } from './schema-registry.js';
import { closedError } from './status.js';
import type { SchemaReferenceMsg } from './wire.js';

/** Options of {@link DanubeClient.createProducer}. */
export interface ProducerOptions {
  /** `/namespace/name`. */
  topic: string;
  /** Producer name; partition `i` uses `<name>-<i>`. */
  name: string;
  /** 0 / undefined = a plain topic; N = partition topics `<topic>-part-<i>`. */
  partitions?: number;
  /** Reliable dispatch (persisted, acked) instead of the default non-reliable. */
  reliableDispatch?: boolean;
  /** Schema subject and version to publish with (resolved through the registry). */
  schema?: { subject: string; version?: VersionStrategy };
  /** Send retries; overrides the client's. `false` = one attempt (the runtime retries itself). */
  retry?: RetryOptions | false;
}

/** Options of one {@link Producer.send}. */
export interface SendOptions {
  /** Routing key (sent as `routing_key`); picks the partition by FNV-1a. */
  key?: string;
  /** Message attributes. */
  attributes?: Record<string, string>;
  /** Explicit partition index (wins over the key's). */
  partition?: number;
  /** Cancels the send (and its retries). */
  signal?: AbortSignal;
}

/** The schema a producer publishes with, as resolved at creation. */
export interface ResolvedProducerSchema {
  subject: string;
  /** Id of the subject (u64 decimal string). */
  schemaId: string;
  version: number;
}

/** Everything {@link Producer.create} needs besides the options. */
export interface ProducerSetup {
  env: ProducerEnvironment;
  sendRetry: RetryPolicy;
  schema: ResolvedProducerSchema | undefined;
  onClose: (producer: Producer) => void;
}

/**
 * Publishes to a topic, or to every partition of a partitioned topic (one broker producer
 * per partition). Sends are independent: many may be in flight at once.
 *
 * @example
 * ```ts
 * const producer = await client.createProducer({ topic: '/default/orders', name: 'orders-src', partitions: 4 });
 * const receipt = await producer.send(Buffer.from('{"id":1}'), { key: 'customer-7' });
 * ```
 */
export class Producer {
  /** The topic as configured (`/namespace/name`). */
  readonly topic: string;
  /** The producer name (partition producers append `-<i>`). */
  readonly name: string;
  /** Number of partitions; 0 for a plain topic. */
  readonly partitions: number;
  /** `[topic]`, or `[topic-part-0, …]`. */
  readonly partitionTopics: readonly string[];
  /** The resolved schema stamped on every message, if any. */
  readonly schema: ResolvedProducerSchema | undefined;

  private readonly inner: readonly PartitionProducer[];
  private readonly sendRetry: RetryPolicy;
  private readonly onClose: (producer: Producer) => void;
  private nextRoundRobin = 0;
  private closed = false;

  private constructor(options: ProducerOptions, setup: ProducerSetup) {
    this.topic = options.topic;
    this.name = options.name;
    this.partitions = options.partitions ?? 0;
    this.schema = setup.schema;
    this.sendRetry = setup.sendRetry;
    this.onClose = setup.onClose;
    const schemaRef = options.schema
      ? schemaReference(options.schema.subject, options.schema.version)
      : undefined;
    const dispatch = options.reliableDispatch ? 'Reliable' : 'NonReliable';
    const targets =
      this.partitions === 0
        ? [{ topic: this.topic, name: this.name }]
        : Array.from({ length: this.partitions }, (_, i) => ({
            topic: partitionTopicName(this.topic, i),
            name: `${this.name}-${i}`,
          }));
    this.partitionTopics = targets.map((t) => t.topic);
    this.inner = targets.map(
      (target) =>
        new PartitionProducer(setup.env, {
          ...target,
          dispatch,
          schemaRef,
          schema: setup.schema,
        }),
    );
  }

  /** Creates the producer and registers every partition on the broker. @internal */
  static async create(options: ProducerOptions, setup: ProducerSetup): Promise<Producer> {
    validateOptions(options);
    const producer = new Producer(options, setup);
    try {
      await Promise.all(producer.inner.map((p) => p.connect()));
    } catch (error) {
      await producer.close();
      throw error;
    }
    return producer;
  }

  /**
   * The partition a message goes to: `fnv1a64(key) mod N` with a key, round-robin from
   * partition 0 without one, always 0 for a plain topic.
   */
  route(key?: string): number {
    if (this.partitions === 0) return 0;
    if (key !== undefined) return partitionForKey(key, this.partitions);
    const index = this.nextRoundRobin;
    this.nextRoundRobin = (index + 1) % this.partitions;
    return index;
  }

  /** The current broker producer id of each partition (u64 decimal strings). */
  producerIds(): Array<string | undefined> {
    return this.inner.map((p) => p.producerId);
  }

  /**
   * Publishes one message; resolves once the broker acknowledged it.
   *
   * @throws DanubeError (kind `closed` after close; see the error kinds for the rest).
   */
  async send(payload: Uint8Array, options: SendOptions = {}): Promise<SendReceipt> {
    if (this.closed) {
      throw closedError(`producer ${this.name}`, { topic: this.topic, producer: this.name });
    }
    const index = options.partition ?? this.route(options.key);
    const target = this.inner[index];
    if (!Number.isInteger(index) || !target) {
      throw new DanubeError(
        `partition ${index} out of range for topic ${this.topic} (${this.inner.length} partition topic(s))`,
        { kind: 'usage', topic: this.topic, producer: this.name },
      );
    }
    return target.send(payload, {
      key: options.key,
      attributes: options.attributes,
      signal: options.signal,
      retry: this.sendRetry,
    });
  }

  /** Stops health checks; sends after close reject with kind `closed`. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const p of this.inner) p.close();
    this.onClose(this);
    return Promise.resolve();
  }
}

/** The SchemaReference sent with CreateProducer for a version strategy. */
export function schemaReference(
  subject: string,
  version: VersionStrategy = 'latest',
): SchemaReferenceMsg {
  if (version === 'latest') return { subject, use_latest: true };
  if ('pinned' in version) return { subject, pinned_version: version.pinned };
  return { subject, min_version: version.minimum };
}

function validateOptions(options: ProducerOptions): void {
  const partitions = options.partitions ?? 0;
  if (!Number.isInteger(partitions) || partitions < 0) {
    throw new DanubeError(
      `invalid partitions ${partitions} for topic ${options.topic}: expected an integer >= 0`,
      { kind: 'config', topic: options.topic, producer: options.name },
    );
  }
  if (options.name.trim() === '') {
    throw new DanubeError(`producer for topic ${options.topic} needs a name`, {
      kind: 'config',
      topic: options.topic,
    });
  }
}
