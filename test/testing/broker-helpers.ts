import {
  credentials,
  Metadata,
  status,
  type CallOptions,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { danubeServices } from '../../src/client/proto.js';
import { startBroker } from '../../src/testing/index.js';
import type { BrokerOptions, ConsumerEvent, EmbeddedBroker } from '../../src/testing/index.js';

type Callback<Res> = (error: ServiceError | null, response?: Res) => void;
type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
  callback: Callback<unknown>,
) => unknown;

/** Raw gRPC clients of every Danube service, pointed at an embedded broker. */
export interface RawClients {
  producer: Client;
  consumer: Client;
  discovery: Client;
  health: Client;
  registry: Client;
  close(): void;
}

/**
 * Opens raw clients built from `danubeServices()` (no dependency on src/client), on a
 * broker's port of 127.0.0.1 or on a plain-text service URL (`http://host:port`).
 */
export function rawClients(broker: EmbeddedBroker | { port: number } | string): RawClients {
  const services = danubeServices();
  const address =
    typeof broker === 'string' ? broker.replace(/^http:\/\//, '') : `127.0.0.1:${broker.port}`;
  const options = { 'grpc.max_reconnect_backoff_ms': 200, 'grpc.initial_reconnect_backoff_ms': 50 };
  const make = (ctor: (typeof services)['ProducerService']): Client =>
    new ctor(address, credentials.createInsecure(), options);
  const clients = {
    producer: make(services.ProducerService),
    consumer: make(services.ConsumerService),
    discovery: make(services.Discovery),
    health: make(services.HealthCheck),
    registry: make(services.SchemaRegistry),
  };
  return {
    ...clients,
    close: () => Object.values(clients).forEach((c) => c.close()),
  };
}

/** A broker with raw clients on it, as each test of a suite gets them. */
export interface BrokerUnderTest {
  broker: EmbeddedBroker;
  clients: RawClients;
}

/** Starts an embedded broker and opens raw clients on it. */
export async function openBroker(options?: BrokerOptions): Promise<BrokerUnderTest> {
  const broker = await startBroker(options);
  return { broker, clients: rawClients(broker) };
}

/** Closes the clients, then the broker. */
export async function closeBroker({ broker, clients }: BrokerUnderTest): Promise<void> {
  clients.close();
  await broker.close();
}

/** Creates producer `name` on `topic` (non-reliable unless `extra` says) and returns its id. */
export async function createProducer(
  clients: RawClients,
  topic: string,
  name = 'p',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const response = await call<{ producer_id: string }>(
    clients.producer,
    'CreateProducer',
    producerRequest(topic, name, extra),
  );
  return response.producer_id;
}

/** Per-call extras of {@link call}. */
export interface CallExtras {
  /** Wait for the channel to be ready (e.g. right after the broker came back up). */
  waitForReady?: boolean;
  metadata?: Metadata;
}

/** Calls a unary method and resolves with the response (rejects with the ServiceError). */
export function call<Res>(
  client: Client,
  method: string,
  request: unknown,
  extras: CallExtras = {},
): Promise<Res> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  const options: CallOptions = { deadline: Date.now() + 20_000 };
  const metadata = extras.metadata ?? new Metadata();
  // grpc-js takes wait-for-ready as a metadata option
  if (extras.waitForReady) metadata.setOptions({ waitForReady: true });
  return new Promise((resolve, reject) => {
    fn.call(client, request, metadata, options, (error: ServiceError | null, response?: unknown) =>
      error ? reject(error) : resolve(response as Res),
    );
  });
}

/** Calls a unary method expecting a failure; resolves with the ServiceError. */
export async function callError(
  client: Client,
  method: string,
  request: unknown,
  extras: CallExtras = {},
): Promise<ServiceError> {
  try {
    await call(client, method, request, extras);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error(`${method} succeeded, a failure was expected`);
}

/** A ProducerRequest with defaults. */
export function producerRequest(
  topic: string,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    request_id: '1',
    producer_name: name,
    topic_name: topic,
    producer_access_mode: 'Shared',
    dispatch_strategy: 'NonReliable',
    ...extra,
  };
}

/** A StreamMessage as the Rust producer sends it (topic_offset 0, the broker assigns it). */
export function streamMessage(
  producerId: string,
  topic: string,
  payload: string | Buffer,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    request_id: '1',
    msg_id: { producer_id: producerId, topic_name: topic, broker_addr: '', topic_offset: '0' },
    payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    publish_time: String(Date.now()),
    producer_name: 'p',
    subscription_name: '',
    attributes: {},
    ...extra,
  };
}

/** A received StreamMessage (the fields the tests look at). */
export interface ReceivedMsg {
  request_id: string;
  msg_id: { producer_id: string; topic_name: string; broker_addr: string; topic_offset: string };
  payload: Buffer;
  publish_time: string;
  producer_name: string;
  subscription_name: string;
  attributes: Record<string, string>;
  schema_id?: string;
  schema_version?: number;
  routing_key?: string;
}

/** An open ReceiveMessages stream with an awaitable inbox. */
export interface MessageStream {
  /** Resolves with the next `count` messages (event-driven). */
  next(count?: number): Promise<ReceivedMsg[]>;
  /** Resolves when the stream ends: with the error status, or undefined on a clean end. */
  ended: Promise<ServiceError | undefined>;
  /** Messages received and not taken by {@link next} yet. */
  buffered(): number;
  cancel(): void;
}

/** Opens ReceiveMessages for a consumer id. */
export function receive(consumerClient: Client, consumerId: string): MessageStream {
  const fn = (
    consumerClient as unknown as Record<
      string,
      (req: unknown) => NodeJS.EventEmitter & { cancel(): void }
    >
  )['ReceiveMessages'];
  if (!fn) throw new Error('no ReceiveMessages');
  const stream = fn.call(consumerClient, { request_id: '1', consumer_id: consumerId });
  const inbox: ReceivedMsg[] = [];
  let waiter: (() => void) | undefined;
  stream.on('data', (message: ReceivedMsg) => {
    inbox.push(message);
    waiter?.();
  });
  const ended = new Promise<ServiceError | undefined>((resolve) => {
    stream.on('error', (error: ServiceError) => resolve(error));
    stream.on('end', () => resolve(undefined));
  });
  return {
    ended,
    buffered: () => inbox.length,
    cancel: () => stream.cancel(),
    next: async (count = 1) => {
      while (inbox.length < count) {
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
      }
      return inbox.splice(0, count);
    },
  };
}

/** Resolves with the next `'consumer'` event matching `predicate`. */
export function consumerEvent(
  broker: EmbeddedBroker,
  predicate: (event: ConsumerEvent) => boolean,
): Promise<ConsumerEvent> {
  return new Promise((resolve) => {
    const listener = (event: ConsumerEvent): void => {
      if (!predicate(event)) return;
      broker.off('consumer', listener);
      resolve(event);
    };
    broker.on('consumer', listener);
  });
}

/**
 * {@link call} for the first calls after the broker restarted or came back up: a call
 * racing the dropped connection fails UNAVAILABLE (as with a real broker restart), so it
 * is retried, waiting for the channel to be ready.
 */
export async function callAfterRestart<Res>(
  client: Client,
  method: string,
  request: unknown,
): Promise<Res> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call<Res>(client, method, request, { waitForReady: true });
    } catch (error) {
      if ((error as ServiceError).code !== status.UNAVAILABLE || attempt >= 5) throw error;
    }
  }
}

/** {@link callError} after a restart: skips failures caused by the dropped connection. */
export async function callErrorAfterRestart(
  client: Client,
  method: string,
  request: unknown,
): Promise<ServiceError> {
  try {
    await callAfterRestart(client, method, request);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error(`${method} succeeded, a failure was expected`);
}
