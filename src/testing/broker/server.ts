import { EventEmitter } from 'node:events';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server, ServerCredentials, type ConnectionInjector } from '@grpc/grpc-js';
import { danubeServices } from '../../client/proto.js';
import { BrokerCore } from './core.js';
import { consumerService } from './services/consumer-service.js';
import { discoveryService } from './services/discovery-service.js';
import { healthService } from './services/health-service.js';
import { producerService } from './services/producer-service.js';
import { schemaRegistryService } from './services/schema-registry-service.js';
import type {
  BrokerEvents,
  BrokerFaults,
  BrokerOptions,
  BrokerStats,
  ProducerInfo,
  StoredMessage,
  SubscriptionInfo,
} from './types.js';
import { DanubeConnectError } from '../../errors.js';

const DEFAULT_WAIT_MS = 10_000;
/** How long {@link EmbeddedBroker.drain} lets calls in progress finish before cutting them. */
const DRAIN_GRACE_MS = 30_000;

function credentials(options: BrokerOptions): ServerCredentials {
  const tls = options.tls;
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    tls.ca ?? null,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    tls.requireClientCert ?? false,
  );
}

function listenOn(listener: NetServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    listener.once('error', onError);
    listener.listen({ host, port, exclusive: true }, () => {
      listener.off('error', onError);
      const address = listener.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function copyMessage(message: StoredMessage): StoredMessage {
  return { ...message, attributes: { ...message.attributes } };
}

/**
 * An in-process, Danube-compatible broker for tests and local development: the same gRPC
 * services as a real broker (ProducerService, ConsumerService, Discovery, HealthCheck,
 * SchemaRegistry), the same status codes, plus inspection and fault injection.
 * Create it with {@link startBroker}.
 *
 * Events: `'topic'` (topic created), `'message'` (message stored), `'call'` (rpc arrived).
 */
export class EmbeddedBroker extends EventEmitter<BrokerEvents> {
  private readonly core: BrokerCore;
  private readonly grpcServer: Server;
  private readonly injector: ConnectionInjector;
  private listener: NetServer | undefined;
  private readonly sockets = new Set<Socket>();
  private currentPort: number;
  private readonly host: string;
  private closed = false;

  /** @internal use {@link startBroker}. */
  constructor(options: BrokerOptions) {
    super();
    this.setMaxListeners(0);
    this.core = new BrokerCore(options, this);
    this.host = options.host ?? '127.0.0.1';
    this.currentPort = options.port ?? 0;
    this.grpcServer = new Server({
      // the receive limit is enforced by the handlers, with tonic's OUT_OF_RANGE
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      // no channelz call tracking: it costs CPU on every call and nothing reads it
      'grpc.enable_channelz': 0,
    });
    const services = danubeServices();
    this.grpcServer.addService(services.ProducerService.service, producerService(this.core));
    this.grpcServer.addService(services.ConsumerService.service, consumerService(this.core));
    this.grpcServer.addService(services.Discovery.service, discoveryService(this.core));
    this.grpcServer.addService(services.HealthCheck.service, healthService(this.core));
    this.grpcServer.addService(services.SchemaRegistry.service, schemaRegistryService(this.core));
    // We own the TCP listener (and its sockets) so that going down looks like a dead
    // broker process to clients: refused connections, dropped sockets, same port after.
    this.injector = this.grpcServer.createConnectionInjector(credentials(options));
    this.core.url = `${options.tls ? 'https' : 'http'}://${this.host}:${this.currentPort}`;
  }

  /** `http://127.0.0.1:PORT` (`https://` with TLS). */
  get url(): string {
    return this.core.url;
  }

  /** The bound TCP port (stays the same across goDown/comeUp/restart). */
  get port(): number {
    return this.currentPort;
  }

  /** Whether the broker is serving (not down, not closed). */
  get up(): boolean {
    return this.listener !== undefined;
  }

  /** Fault injection: see {@link BrokerFaults}. */
  get faults(): BrokerFaults {
    return this.core.faults;
  }

  /** @internal starts accepting connections (first start and comeUp). */
  async listen(): Promise<void> {
    if (this.closed) throw new DanubeConnectError('stopping', 'the embedded broker is closed');
    if (this.listener) return;
    const listener = createServer((socket) => {
      this.core.stats.connections += 1;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      this.injector.injectConnection(socket);
    });
    let port: number | undefined;
    for (let attempt = 0; port === undefined; attempt++) {
      try {
        port = await listenOn(listener, this.host, this.currentPort);
      } catch (error) {
        // the previous listener of this port may take a moment to let go of it
        if (attempt >= 50 || this.currentPort === 0) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    this.listener = listener;
    this.currentPort = port;
    this.core.url = this.core.url.replace(/:\d+$/, `:${port}`);
  }

  /**
   * Stops serving, as if the broker process died: the listener closes (connections are
   * refused) and open connections are dropped (in-flight calls fail UNAVAILABLE,
   * consumer streams end). State is kept; {@link comeUp} serves again on the same port.
   */
  async goDown(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    this.listener = undefined;
    const closing = new Promise<void>((resolve) => listener.close(() => resolve()));
    const sockets = [...this.sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([closing, ...sockets]);
    // let in-process clients notice the dropped connections before anything else happens
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /**
   * Sends HTTP/2 GOAWAY on every open connection, as a proxy draining connections or a
   * gracefully stopping HTTP/2 server does (Danube v0.15 itself does not: on SIGTERM it
   * drops its connections, as {@link goDown}): calls in progress finish (within 30 s), new
   * calls need a new connection, which the broker accepts as usual. Resolves once the
   * drained connections are closed.
   */
  async drain(): Promise<void> {
    const closed = [...this.sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    this.injector.drain(DRAIN_GRACE_MS);
    await Promise.all(closed);
  }

  /** Serves again on the same port after {@link goDown}. */
  comeUp(): Promise<void> {
    return this.listen();
  }

  /**
   * Restarts on the same port. Producers and consumers are forgotten either way (old ids
   * answer NOT_FOUND / CLOSE); `keepData: false` also drops topics, their messages and
   * subscriptions. Namespaces and the schema registry (metadata) survive.
   */
  async restart(options: { keepData?: boolean } = {}): Promise<void> {
    await this.goDown();
    this.core.forgetClients();
    if (options.keepData === false) this.core.topics.clear();
    await this.listen();
  }

  /** Shuts the broker down for good. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.goDown();
    this.closed = true;
    this.core.faults.clear();
    this.core.forgetClients();
    this.core.topics.clear();
    this.injector.destroy();
    this.grpcServer.forceShutdown();
  }

  /** Creates a namespace (topics can then be created in it). */
  createNamespace(name: string): void {
    this.core.topics.createNamespace(name);
  }

  /** Names of all topics, in creation order. */
  topics(): string[] {
    return this.core.topics.names();
  }

  /** Messages stored in `topic`, by offset (empty for an unknown topic). */
  messages(topic: string): StoredMessage[] {
    return (this.core.topics.get(topic)?.messages ?? []).map(copyMessage);
  }

  /** Producers the broker knows. */
  producers(): ProducerInfo[] {
    return this.core.producers.list();
  }

  /** Subscriptions of `topic`. */
  subscriptions(topic: string): SubscriptionInfo[] {
    return [...(this.core.topics.get(topic)?.subscriptions.values() ?? [])].map((s) => s.info());
  }

  /** Call counts and other counters. */
  stats(): BrokerStats {
    return this.core.snapshotStats();
  }

  /** Zeroes the counters of {@link stats}, e.g. before measuring one phase of a test. */
  resetStats(): void {
    this.core.resetStats();
  }

  /**
   * Resolves with the topic's messages once it holds at least `count` (event-driven);
   * rejects after `timeoutMs` (default 10 s) saying how many arrived.
   */
  waitForMessages(
    topic: string,
    count: number,
    options: { timeoutMs?: number } = {},
  ): Promise<StoredMessage[]> {
    const have = (): number => this.core.topics.get(topic)?.messages.length ?? 0;
    if (have() >= count) return Promise.resolve(this.messages(topic));
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise((resolve, reject) => {
      const onMessage = (message: StoredMessage): void => {
        if (message.topic !== topic || have() < count) return;
        cleanup();
        resolve(this.messages(topic));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new DanubeConnectError(
            'timeout',
            `waitForMessages: ${topic} holds ${have()} of ${count} messages after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('message', onMessage);
      };
      this.on('message', onMessage);
    });
  }
}

/**
 * Starts an embedded Danube broker on `127.0.0.1` (a free port unless `port` is given).
 *
 * @example
 * ```ts
 * const broker = await startBroker({ namespaces: ['default', 'iot'] });
 * // ... point a client at broker.url ...
 * await broker.waitForMessages('/iot/sensors', 10);
 * await broker.close();
 * ```
 */
export async function startBroker(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const broker = new EmbeddedBroker(options);
  await broker.listen();
  return broker;
}
