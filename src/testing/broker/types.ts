/**
 * Public types of the embedded Danube broker.
 * @module
 */
import type { status as GrpcStatus } from '@grpc/grpc-js';
import type { DispatchStrategyName, SubscriptionTypeName } from '../../client/wire.js';

/** The rpc methods of the Danube services, as named in the `.proto` files. */
export type BrokerMethod =
  | 'CreateProducer'
  | 'SendMessage'
  | 'Subscribe'
  | 'ReceiveMessages'
  | 'Ack'
  | 'Nack'
  | 'TopicLookup'
  | 'TopicPartitions'
  | 'HealthCheck'
  | 'RegisterSchema'
  | 'GetSchema'
  | 'GetLatestSchema'
  | 'ListVersions'
  | 'CheckCompatibility'
  | 'DeleteSchemaVersion'
  | 'SetCompatibilityMode'
  | 'ConfigureTopicSchema'
  | 'UpdateTopicValidationPolicy'
  | 'GetTopicSchemaConfig'
  | 'ListSubjects';

/** TLS material of the embedded broker (the URL becomes `https://`). */
export interface BrokerTlsOptions {
  /** Server certificate chain (PEM). */
  cert: Buffer;
  /** Server private key (PEM). */
  key: Buffer;
  /** CA used to verify client certificates (PEM). */
  ca?: Buffer;
  /** Refuse clients without a certificate signed by `ca`. */
  requireClientCert?: boolean;
}

/** Options of {@link startBroker}. Everything is optional. */
export interface BrokerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Namespaces that exist from the start; default `['default']`. */
  namespaces?: string[];
  /** Topic size policy: a payload larger than this is refused with INVALID_ARGUMENT. */
  maxMessageBytes?: number;
  /**
   * Largest request message the server accepts, like tonic's decoding limit (default
   * 4 MiB). Larger requests are answered OUT_OF_RANGE, as the real broker does.
   */
  maxReceiveMessageBytes?: number;
  /**
   * Messages a subscription of a reliable topic delivers without acks before it waits for
   * one, like the real broker's `dispatch.max_unacked_messages` (default 10).
   */
  maxUnackedMessages?: number;
  /** Serve TLS. */
  tls?: BrokerTlsOptions;
  /**
   * When set, calls without metadata `authorization: Bearer <token>` get UNAUTHENTICATED. A
   * function decides per call (e.g. to accept only the newest of rotating tokens).
   */
  requireToken?: string | ((token: string) => boolean);
  /** Producer, consumer and schema ids; default random full-range u64 (crypto). */
  idGenerator?: () => bigint;
}

/** A message as the broker stored it. */
export interface StoredMessage {
  /** Topic (partition topic) the message belongs to. */
  topic: string;
  /** Offset in the topic, assigned by the broker from 0. */
  offset: bigint;
  payload: Buffer;
  /** Routing key, when the producer sent one. */
  key?: string;
  attributes: Record<string, string>;
  producerName: string;
  /** Producer id (u64 as a decimal string). */
  producerId: string;
  /** Request id the producer sent (u64 as a decimal string). */
  requestId: string;
  schemaId?: string;
  schemaVersion?: number;
  /** `publish_time` the producer stamped (ms since the epoch). */
  publishTime: bigint;
}

/** A producer the broker knows. */
export interface ProducerInfo {
  id: string;
  name: string;
  topic: string;
  dispatch: DispatchStrategyName;
}

/** A subscription of a topic, as seen by the broker. */
export interface SubscriptionInfo {
  name: string;
  type: SubscriptionTypeName;
  /** Consumers attached (connected or not), by name. */
  consumers: Array<{ id: string; name: string; connected: boolean }>;
  /** Offsets acknowledged, ascending. */
  acked: bigint[];
  /** Offsets delivered and not yet acknowledged, ascending. */
  pending: bigint[];
  /** Offsets that were delivered more than once. */
  redelivered: bigint[];
}

/** Counters the broker keeps. */
export interface BrokerStats {
  /** Calls received per rpc method (including ones failed by faults). */
  calls: Partial<Record<BrokerMethod, number>>;
  /** Highest number of SendMessage handlers in progress at the same time. */
  peakConcurrentSends: number;
  /** SendMessage handlers in progress right now. */
  concurrentSends: number;
  /** Messages stored (all topics). */
  storedMessages: number;
  /** Messages stored whose response was then failed on purpose (the duplicate case). */
  storedThenFailed: number;
  /** Messages accepted under validation policy `warn` despite a schema problem. */
  validationWarnings: number;
  /** Calls failed by {@link BrokerFaults.failNext}. */
  injectedFailures: number;
  /** Connections accepted (a client reconnecting after a drop or a GOAWAY counts again). */
  connections: number;
}

/** Payload of the `'call'` event. */
export interface BrokerCallEvent {
  method: BrokerMethod;
  /** The request as decoded (snake_case proto-loader shape). */
  request: unknown;
  /** What was left of the call's deadline (`grpc-timeout`) when it arrived, in ms; undefined without one. */
  timeoutMs: number | undefined;
}

/** Events of the {@link EmbeddedBroker} (`broker.on(name, listener)`). */
export interface BrokerEvents {
  /** A topic was created (auto-created by a producer). */
  topic: [topic: string];
  /** A message was stored. */
  message: [message: StoredMessage];
  /** An rpc call arrived (before faults are applied). */
  call: [event: BrokerCallEvent];
  /** A consumer's ReceiveMessages stream opened (`connected: true`) or ended. */
  consumer: [event: ConsumerEvent];
}

/** Payload of the `'consumer'` event. */
export interface ConsumerEvent {
  id: string;
  name: string;
  topic: string;
  subscription: string;
  connected: boolean;
}

/** Fault injection: makes the broker misbehave on purpose. */
export interface BrokerFaults {
  /** Fails the next `count` calls of `method` with `code` (before the handler runs). */
  failNext(method: BrokerMethod, count: number, code: GrpcStatus, message?: string): void;
  /**
   * The next `count` SendMessage calls store the message and then answer `code`
   * (default UNAVAILABLE): the client sees a failure for a stored message (the duplicate case).
   */
  storeThenFailResponse(count: number, code?: GrpcStatus): void;
  /**
   * Holds SendMessage responses until `groupSize` are waiting (or nothing new arrived for
   * a short quiet period) and releases them in reverse order. 0 or 1 turns it off.
   */
  reorderResponses(groupSize: number): void;
  /** Delays every call of `method` (every method when omitted) by `ms`; 0 clears. */
  latency(ms: number, method?: BrokerMethod): void;
  /** Forgets a producer (by name or id): HealthCheck answers CLOSE, sends NOT_FOUND. */
  dropProducer(nameOrId: string): void;
  /** Removes every fault. */
  clear(): void;
}
