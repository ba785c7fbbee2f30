import type { ClientReadableStream } from '@grpc/grpc-js';
import type { BrokerConnections } from './connections.js';
import type { TopicDiscovery, TopicLookupResult } from './discovery.js';
import { DanubeError } from './errors.js';
import { MessageQueue } from './message-queue.js';
import type { ClientLogger, RetryPolicy } from './options.js';
import { RequestIdCounter } from './request-ids.js';
import { withRetry } from './retry.js';
import { closedError } from './status.js';
import type {
  AckRequestMsg,
  AckResponseMsg,
  ConsumerRequestMsg,
  ConsumerResponseMsg,
  MsgIdMsg,
  NackRequestMsg,
  ReceiveRequestMsg,
  StreamMessageMsg,
  SubscriptionTypeName,
} from './wire.js';
import { asError } from '../errors.js';

/** Options of {@link DanubeClient.subscribe}. */
export interface ConsumerOptions {
  /** `/namespace/name`; every partition of a partitioned topic is subscribed. */
  topic: string;
  /** Subscription name. */
  subscription: string;
  /** Consumer name; default `<subscription>-consumer`. */
  name?: string;
  /** Subscription type; default `Shared` (as the Rust client). */
  type?: SubscriptionTypeName;
}

/** One message delivered to a consumer. */
export interface ReceivedMessage {
  payload: Buffer;
  /** The (partition) topic it came from. */
  topic: string;
  /** Offset in that topic. */
  offset: bigint;
  producerName: string;
  publishTime: Date;
  attributes: Record<string, string>;
  /** Routing key, when the producer set one. */
  key?: string;
  /** Subject id (u64 decimal string), when the message carries a schema. */
  schemaId?: string;
  schemaVersion?: number;
  /** The broker's message id (what ack / nack send back). */
  msgId: MsgIdMsg;
}

/** Options of {@link Consumer.nack}. */
export interface NackOptions {
  /** Redeliver after this delay. */
  delayMs?: number;
  reason?: string;
}

/** What consumers of a client share. @internal */
export interface ConsumerEnvironment {
  connections: BrokerConnections;
  discovery: TopicDiscovery;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  retry: RetryPolicy;
  logger: ClientLogger;
  clientSignal: AbortSignal;
  onClose: (consumer: Consumer) => void;
}

const HIGH_WATER = 1_000;
const LOW_WATER = 100;

interface Subscription extends TopicLookupResult {
  consumerId: string;
}

/**
 * Receives messages of a subscription, from every partition of the topic, as an async
 * iterable. The receive streams are reopened (after a new Subscribe) when the broker
 * restarts. Leaving a `for await` loop early keeps the consumer open (iterate again to
 * continue); {@link Consumer.close} ends every iteration.
 *
 * @example
 * ```ts
 * const consumer = await client.subscribe({ topic: '/default/orders', subscription: 'check' });
 * for await (const message of consumer) { await consumer.ack(message); }
 * ```
 */
export class Consumer implements AsyncIterable<ReceivedMessage> {
  /** The topic as subscribed. */
  readonly topic: string;
  /** The subscription name. */
  readonly subscription: string;
  /** The consumer name. */
  readonly name: string;
  /** The subscribed (partition) topics. */
  readonly partitionTopics: readonly string[];

  private readonly queue: MessageQueue<ReceivedMessage>;
  private readonly partitions = new Map<string, PartitionConsumer>();
  private closed = false;

  private constructor(
    options: ConsumerOptions,
    topics: string[],
    private readonly env: ConsumerEnvironment,
  ) {
    this.topic = options.topic;
    this.subscription = options.subscription;
    this.name = options.name ?? `${options.subscription}-consumer`;
    this.partitionTopics = topics;
    this.queue = new MessageQueue<ReceivedMessage>((remaining) => {
      if (remaining <= LOW_WATER) for (const p of this.partitions.values()) p.resume();
    });
    for (const topic of topics) {
      this.partitions.set(
        topic,
        new PartitionConsumer(env, {
          topic,
          name: this.name,
          subscription: options.subscription,
          type: options.type ?? 'Shared',
          queue: this.queue,
        }),
      );
    }
  }

  /** Subscribes every partition of the topic and opens the receive streams. @internal */
  static async create(options: ConsumerOptions, env: ConsumerEnvironment): Promise<Consumer> {
    const listed = await withRetry(
      () => env.discovery.partitions(options.topic, env.clientSignal),
      { policy: env.retry, signal: env.clientSignal },
    );
    const consumer = new Consumer(options, listed.length > 0 ? listed : [options.topic], env);
    try {
      await Promise.all([...consumer.partitions.values()].map((p) => p.start()));
    } catch (error) {
      await consumer.close();
      throw error;
    }
    return consumer;
  }

  /** Iterates the received messages until the consumer is closed (`for await … of consumer`). */
  [Symbol.asyncIterator](): AsyncIterator<ReceivedMessage> {
    return this.queue[Symbol.asyncIterator]();
  }

  /** Acknowledges a message. */
  async ack(message: ReceivedMessage): Promise<void> {
    const partition = this.partitionOf(message);
    await partition.ack(message.msgId);
  }

  /** Negatively acknowledges a message (the broker redelivers it). */
  async nack(message: ReceivedMessage, options: NackOptions = {}): Promise<void> {
    const partition = this.partitionOf(message);
    await partition.nack(message.msgId, options);
  }

  /** Closes the receive streams and ends the iteration. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const p of this.partitions.values()) p.close();
    this.queue.end();
    this.env.onClose(this);
    return Promise.resolve();
  }

  private partitionOf(message: ReceivedMessage): PartitionConsumer {
    if (this.closed) throw closedError(`consumer ${this.name}`, { topic: this.topic });
    const partition =
      this.partitions.get(message.msgId.topic_name) ?? this.partitions.get(message.topic);
    if (!partition) {
      throw new DanubeError(
        `message of topic ${message.topic} does not belong to consumer ${this.name} of ${this.topic}`,
        { kind: 'usage', topic: message.topic },
      );
    }
    return partition;
  }
}

interface PartitionConsumerSpec {
  topic: string;
  name: string;
  subscription: string;
  type: SubscriptionTypeName;
  queue: MessageQueue<ReceivedMessage>;
}

/** The consumer of one (partition) topic: Subscribe, a receive stream, acks. */
class PartitionConsumer {
  private readonly requestIds = new RequestIdCounter();
  private subscriptionState: Subscription | undefined;
  private stream: ClientReadableStream<StreamMessageMsg> | undefined;
  private closed = false;

  constructor(
    private readonly env: ConsumerEnvironment,
    private readonly spec: PartitionConsumerSpec,
  ) {}

  async start(): Promise<void> {
    this.subscriptionState = await this.subscribe();
    this.openStream(this.subscriptionState);
  }

  resume(): void {
    if (this.stream?.isPaused()) this.stream.resume();
  }

  async ack(msgId: MsgIdMsg): Promise<void> {
    const subscription = this.current();
    await this.env.connections.unary<AckRequestMsg, AckResponseMsg>(
      subscription,
      'ConsumerService',
      'Ack',
      {
        request_id: this.requestIds.take(),
        msg_id: msgId,
        subscription_name: this.spec.subscription,
      },
      { operation: 'Ack', topic: this.spec.topic },
      { timeoutMs: this.env.requestTimeoutMs, signal: this.env.clientSignal },
    );
  }

  async nack(msgId: MsgIdMsg, options: NackOptions): Promise<void> {
    const subscription = this.current();
    const request: NackRequestMsg = {
      request_id: this.requestIds.take(),
      msg_id: msgId,
      subscription_name: this.spec.subscription,
    };
    if (options.delayMs !== undefined) request.delay_ms = String(options.delayMs);
    if (options.reason !== undefined) request.reason = options.reason;
    await this.env.connections.unary<NackRequestMsg, AckResponseMsg>(
      subscription,
      'ConsumerService',
      'Nack',
      request,
      { operation: 'Nack', topic: this.spec.topic },
      { timeoutMs: this.env.requestTimeoutMs, signal: this.env.clientSignal },
    );
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
    this.stream = undefined;
  }

  private current(): Subscription {
    if (!this.subscriptionState) {
      throw new DanubeError(`consumer ${this.spec.name} on ${this.spec.topic} is not subscribed`, {
        kind: 'unavailable',
        topic: this.spec.topic,
      });
    }
    return this.subscriptionState;
  }

  private subscribe(): Promise<Subscription> {
    const { env, spec } = this;
    return withRetry(
      async () => {
        const where = await env.discovery.lookup(spec.topic, env.clientSignal);
        const response = await env.connections.unary<ConsumerRequestMsg, ConsumerResponseMsg>(
          where,
          'ConsumerService',
          'Subscribe',
          {
            request_id: this.requestIds.take(),
            topic_name: spec.topic,
            consumer_name: spec.name,
            subscription: spec.subscription,
            subscription_type: spec.type,
            key_filters: [],
          },
          { operation: 'Subscribe', topic: spec.topic },
          { timeoutMs: env.connectTimeoutMs, signal: env.clientSignal },
        );
        return { ...where, consumerId: response.consumer_id };
      },
      { policy: env.retry, signal: env.clientSignal },
    );
  }

  private openStream(subscription: Subscription): void {
    const stream = this.env.connections.serverStream<ReceiveRequestMsg, StreamMessageMsg>(
      subscription,
      'ConsumerService',
      'ReceiveMessages',
      { request_id: this.requestIds.take(), consumer_id: subscription.consumerId },
      { operation: 'ReceiveMessages', topic: this.spec.topic },
    );
    this.stream = stream;
    stream.on('data', (message: StreamMessageMsg) => {
      this.spec.queue.push(toReceivedMessage(message, this.spec.topic));
      if (this.spec.queue.size >= HIGH_WATER) stream.pause();
    });
    let reconnecting = false;
    const reconnect = (error?: unknown): void => {
      if (reconnecting || this.closed || this.stream !== stream) return;
      reconnecting = true;
      this.env.logger.info(
        { topic: this.spec.topic, consumer: this.spec.name, err: error },
        'receive stream ended: subscribing again',
      );
      this.subscriptionState = undefined;
      this.start().catch((reason: unknown) => {
        if (this.closed) return;
        this.spec.queue.fail(asError(reason));
      });
    };
    stream.on('error', (error: unknown) => reconnect(error));
    stream.on('end', () => reconnect());
  }
}

function toReceivedMessage(message: StreamMessageMsg, partitionTopic: string): ReceivedMessage {
  const msgId: MsgIdMsg = message.msg_id ?? {
    producer_id: '0',
    topic_name: partitionTopic,
    broker_addr: '',
    topic_offset: '0',
  };
  const received: ReceivedMessage = {
    payload: message.payload,
    topic: msgId.topic_name || partitionTopic,
    offset: BigInt(msgId.topic_offset),
    producerName: message.producer_name,
    publishTime: new Date(Number(message.publish_time)),
    attributes: { ...message.attributes },
    msgId,
  };
  if (message.routing_key !== undefined && message.routing_key !== null) {
    received.key = message.routing_key;
  }
  if (message.schema_id !== undefined && message.schema_id !== null) {
    received.schemaId = message.schema_id;
  }
  if (message.schema_version !== undefined && message.schema_version !== null) {
    received.schemaVersion = message.schema_version;
  }
  return received;
}
