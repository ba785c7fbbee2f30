import { setMaxListeners } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { BrokerConnections } from './connections.js';
import { Consumer, type ConsumerOptions } from './consumer.js';
import { TopicDiscovery, type TopicLookupResult } from './discovery.js';
import { DanubeError } from './errors.js';
import {
  CLIENT_DEFAULTS,
  SILENT_LOGGER,
  resolveRetry,
  type DanubeClientOptions,
  type RetryPolicy,
} from './options.js';
import type { ProducerEnvironment } from './partition-producer.js';
import { Producer, type ProducerOptions, type ResolvedProducerSchema } from './producer.js';
import { withRetry } from './retry.js';
import { SchemaRegistryClient } from './schema-registry.js';
import { parseServiceUrl, type BrokerEndpoint } from './service-url.js';
import { closedError } from './status.js';
import { tokenCallCredentials } from './token.js';
import { asError } from '../errors.js';

/**
 * A connection to a Danube cluster: creates producers and consumers, looks topics up,
 * and gives access to the schema registry. Channels are opened lazily, one per broker.
 *
 * @example
 * ```ts
 * const client = await DanubeClient.connect({ serviceUrl: 'http://localhost:6650' });
 * const producer = await client.createProducer({ topic: '/default/events', name: 'p1' });
 * await producer.send(Buffer.from('hello'), { attributes: { source: 'demo' } });
 * await client.close();
 * ```
 */
export class DanubeClient {
  /** The schema registry of the cluster. */
  readonly schemas: SchemaRegistryClient;
  /** The service URL, normalised (`http://host:port`). */
  readonly serviceUrl: string;

  private readonly connections: BrokerConnections;
  private readonly discovery: TopicDiscovery;
  private readonly retry: RetryPolicy;
  private readonly lifetime = new AbortController();
  private readonly producers = new Set<Producer>();
  private readonly consumers = new Set<Consumer>();
  private readonly settings: Required<
    Pick<
      DanubeClientOptions,
      'connectTimeoutMs' | 'requestTimeoutMs' | 'healthCheckIntervalMs' | 'logger'
    >
  >;
  private closed = false;

  private constructor(options: DanubeClientOptions, endpoint: BrokerEndpoint) {
    this.serviceUrl = endpoint.url;
    this.settings = {
      connectTimeoutMs: options.connectTimeoutMs ?? CLIENT_DEFAULTS.connectTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs,
      healthCheckIntervalMs: options.healthCheckIntervalMs ?? CLIENT_DEFAULTS.healthCheckIntervalMs,
      logger: options.logger ?? SILENT_LOGGER,
    };
    this.retry = resolveRetry(options.retry);
    // Every in-flight call and retry listens on the lifetime signal; thousands is normal.
    setMaxListeners(0, this.lifetime.signal);
    this.connections = new BrokerConnections({
      secure: endpoint.secure,
      credentials: channelCredentials(endpoint, options),
      // A fixed token goes into each call's metadata directly; a supplier is asked per call
      // through call credentials (https only, as every token).
      token: typeof options.token === 'string' ? options.token : undefined,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? CLIENT_DEFAULTS.keepaliveIntervalMs,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? CLIENT_DEFAULTS.keepaliveTimeoutMs,
    });
    this.discovery = new TopicDiscovery(
      this.connections,
      this.serviceUrl,
      this.settings.connectTimeoutMs,
    );
    this.schemas = new SchemaRegistryClient({
      connections: this.connections,
      serviceUrl: this.serviceUrl,
      timeoutMs: this.settings.requestTimeoutMs,
      retry: this.retry,
      signal: this.lifetime.signal,
    });
  }

  /**
   * Validates the options and returns a client. No connection is opened until the first
   * call.
   *
   * @throws DanubeError kind `config` for a bad URL, a token or TLS material without https.
   */
  static connect(options: DanubeClientOptions): Promise<DanubeClient> {
    try {
      return Promise.resolve(new DanubeClient(options, validate(options)));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /**
   * Creates a producer: resolves its schema reference through the registry, then
   * registers one broker producer per partition.
   */
  async createProducer(options: ProducerOptions): Promise<Producer> {
    this.assertOpen();
    let schema: ResolvedProducerSchema | undefined;
    if (options.schema) {
      const info = await this.schemas.resolve(
        options.schema.subject,
        options.schema.version ?? 'latest',
      );
      schema = { subject: info.subject, schemaId: info.schemaId, version: info.version };
    }
    this.assertOpen();
    const producer = await Producer.create(options, {
      env: this.producerEnvironment(),
      sendRetry: options.retry === undefined ? this.retry : resolveRetry(options.retry),
      schema,
      onClose: (p) => this.producers.delete(p),
    });
    if (this.closed) {
      await producer.close();
      throw closedError('Danube client', { topic: options.topic, producer: options.name });
    }
    this.producers.add(producer);
    return producer;
  }

  /** Subscribes to a topic (every partition of a partitioned one). */
  async subscribe(options: ConsumerOptions): Promise<Consumer> {
    this.assertOpen();
    const consumer = await Consumer.create(options, {
      connections: this.connections,
      discovery: this.discovery,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      retry: this.retry,
      logger: this.settings.logger,
      clientSignal: this.lifetime.signal,
      onClose: (c) => this.consumers.delete(c),
    });
    if (this.closed) {
      await consumer.close();
      throw closedError('Danube client', { topic: options.topic });
    }
    this.consumers.add(consumer);
    return consumer;
  }

  /** Where a topic is served (the service URL for a topic that does not exist yet). */
  async lookupTopic(topic: string): Promise<TopicLookupResult> {
    this.assertOpen();
    const signal = this.lifetime.signal;
    return withRetry(() => this.discovery.lookup(topic, signal), { policy: this.retry, signal });
  }

  /** The partition topics of a topic (`[topic]` for a plain one). */
  async topicPartitions(topic: string): Promise<string[]> {
    this.assertOpen();
    const signal = this.lifetime.signal;
    return withRetry(() => this.discovery.partitions(topic, signal), {
      policy: this.retry,
      signal,
    });
  }

  /**
   * Ends everything: producers, consumers (their iterations finish), in-flight calls and
   * retries (they reject with kind `closed`), health checks and channels.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort(closedError('Danube client'));
    await Promise.all([...this.producers].map((p) => p.close()));
    await Promise.all([...this.consumers].map((c) => c.close()));
    this.connections.close();
  }

  private producerEnvironment(): ProducerEnvironment {
    return {
      connections: this.connections,
      discovery: this.discovery,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      healthCheckIntervalMs: this.settings.healthCheckIntervalMs,
      createRetry: this.retry,
      logger: this.settings.logger,
      clientSignal: this.lifetime.signal,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw closedError('Danube client');
  }
}

function channelCredentials(
  endpoint: BrokerEndpoint,
  options: DanubeClientOptions,
): grpc.ChannelCredentials {
  if (!endpoint.secure) return grpc.credentials.createInsecure();
  const tls = grpc.credentials.createSsl(
    options.tls?.ca ?? null,
    options.tls?.key ?? null,
    options.tls?.cert ?? null,
  );
  return typeof options.token === 'function'
    ? grpc.credentials.combineChannelCredentials(tls, tokenCallCredentials(options.token))
    : tls;
}

function validate(options: DanubeClientOptions): BrokerEndpoint {
  const endpoint = parseServiceUrl(options.serviceUrl);
  if (!endpoint.secure && options.token !== undefined) {
    throw new DanubeError(
      `a token requires TLS: service URL ${options.serviceUrl} is plain http, use https://`,
      { kind: 'config' },
    );
  }
  if (!endpoint.secure && options.tls !== undefined) {
    throw new DanubeError(
      `TLS options given but service URL ${options.serviceUrl} is plain http, use https://`,
      { kind: 'config' },
    );
  }
  for (const key of [
    'connectTimeoutMs',
    'requestTimeoutMs',
    'healthCheckIntervalMs',
    'keepaliveIntervalMs',
    'keepaliveTimeoutMs',
  ] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new DanubeError(`${key} must be a positive number of ms, got ${value}`, {
        kind: 'config',
      });
    }
  }
  return endpoint;
}
