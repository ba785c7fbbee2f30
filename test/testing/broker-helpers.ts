import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { danubeServices } from '../../src/client/proto.js';
import type { EmbeddedBroker } from '../../src/testing/index.js';

type Callback<Res> = (error: ServiceError | null, response?: Res) => void;
type UnaryMethod = (request: unknown, callback: Callback<unknown>) => unknown;

/** Raw gRPC clients of every Danube service, pointed at an embedded broker. */
export interface RawClients {
  producer: Client;
  consumer: Client;
  discovery: Client;
  health: Client;
  registry: Client;
  close(): void;
}

/** Opens raw clients built from `danubeServices()` (no dependency on src/client). */
export function rawClients(broker: EmbeddedBroker | { port: number }): RawClients {
  const services = danubeServices();
  const address = `127.0.0.1:${broker.port}`;
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

/** Calls a unary method and resolves with the response (rejects with the ServiceError). */
export function call<Res>(client: Client, method: string, request: unknown): Promise<Res> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  return new Promise((resolve, reject) => {
    fn.call(client, request, (error: ServiceError | null, response?: unknown) =>
      error ? reject(error) : resolve(response as Res),
    );
  });
}

/** Calls a unary method expecting a failure; resolves with the ServiceError. */
export async function callError(
  client: Client,
  method: string,
  request: unknown,
): Promise<ServiceError> {
  try {
    await call(client, method, request);
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
