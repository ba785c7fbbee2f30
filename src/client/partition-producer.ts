import { setMaxListeners } from 'node:events';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { abortable, anySignal } from './abort.js';
import type { BrokerConnections } from './connections.js';
import type { TopicDiscovery, TopicLookupResult } from './discovery.js';
import { DanubeError } from './errors.js';
import type { ClientLogger, RetryPolicy } from './options.js';
import { RequestIdCounter } from './request-ids.js';
import { withRetry } from './retry.js';
import { closedError } from './status.js';
import type {
  DispatchStrategyName,
  HealthCheckRequestMsg,
  HealthCheckResponseMsg,
  MessageResponseMsg,
  ProducerRequestMsg,
  ProducerResponseMsg,
  SchemaReferenceMsg,
  StreamMessageMsg,
} from './wire.js';

/** What every producer of a client shares. */
export interface ProducerEnvironment {
  connections: BrokerConnections;
  discovery: TopicDiscovery;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  healthCheckIntervalMs: number;
  /** Retries of lookup + CreateProducer (recreation belongs to the client). */
  createRetry: RetryPolicy;
  logger: ClientLogger;
  /** Aborted when the client closes. */
  clientSignal: AbortSignal;
}

/** One Danube producer on one (partition) topic. */
export interface PartitionProducerSpec {
  /** The (partition) topic. */
  topic: string;
  /** The producer name on the broker. */
  name: string;
  dispatch: DispatchStrategyName;
  schemaRef?: SchemaReferenceMsg | undefined;
  /** Resolved schema stamped on every message. */
  schema?: { schemaId: string; version: number } | undefined;
}

/** What one send carries. */
export interface PartitionSend {
  key?: string | undefined;
  attributes?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  retry: RetryPolicy;
}

/** The broker's acknowledgement of one message. */
export interface SendReceipt {
  /** The request id the broker echoed (u64 decimal string). */
  requestId: string;
  /** The producer id the message was sent with (u64 decimal string). */
  producerId: string;
  /** The partition topic the message went to. */
  topic: string;
}

interface Registration extends TopicLookupResult {
  producerId: string;
}

/**
 * A producer on one topic or partition: registers itself (lookup + CreateProducer),
 * sends messages concurrently, and re-registers after the broker forgot it (HealthCheck
 * CLOSE, NOT_FOUND on send) or became unreachable. Concurrent sends share one
 * re-registration.
 */
export class PartitionProducer {
  private readonly requestIds = new RequestIdCounter();
  private readonly combinedSignals = new WeakMap<AbortSignal, AbortSignal>();
  private registration: Registration | undefined;
  private registering: Promise<Registration> | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private checkingHealth = false;
  private closed = false;

  constructor(
    private readonly env: ProducerEnvironment,
    readonly spec: PartitionProducerSpec,
  ) {}

  /** The current producer id, if registered. */
  get producerId(): string | undefined {
    return this.registration?.producerId;
  }

  /** Registers on the broker (once; later calls share the registration) and starts health checks. */
  async connect(signal?: AbortSignal): Promise<void> {
    await this.ready(signal);
    this.startHealthChecks();
  }

  /** Sends one message; resolves once the broker acknowledged it. */
  async send(payload: Uint8Array, send: PartitionSend): Promise<SendReceipt> {
    if (this.closed) throw this.closedError();
    const signal = this.signalFor(send.signal);
    return withRetry(() => this.sendRecreating(payload, send, signal), {
      policy: send.retry,
      signal,
      onRetry: (error, attempt) =>
        this.env.logger.debug(
          { topic: this.spec.topic, producer: this.spec.name, attempt, err: error },
          'retrying send',
        ),
    });
  }

  /**
   * The send's signal combined with the client's lifetime signal. Callers such as the
   * runtime pass the same signal with every send: the combination is made once per signal,
   * not per send (`AbortSignal.any` costs ~20 µs and GC work each time).
   */
  private signalFor(sendSignal: AbortSignal | undefined): AbortSignal {
    if (sendSignal === undefined) return this.env.clientSignal;
    let combined = this.combinedSignals.get(sendSignal);
    if (combined === undefined) {
      combined = anySignal(sendSignal, this.env.clientSignal);
      // Every send in flight listens to it: many at once is expected, not a leak.
      if (combined !== sendSignal) setMaxListeners(0, combined);
      this.combinedSignals.set(sendSignal, combined);
    }
    return combined;
  }

  /** Stops health checks; later sends reject with kind `closed`. */
  close(): void {
    this.closed = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  private async sendRecreating(
    payload: Uint8Array,
    send: PartitionSend,
    signal: AbortSignal,
  ): Promise<SendReceipt> {
    const registration = await this.ready(signal);
    try {
      return await this.sendOnce(registration, payload, send, signal);
    } catch (error) {
      if (!(error instanceof DanubeError)) throw error;
      if (error.code === GrpcStatus.NOT_FOUND) {
        this.env.logger.info(
          { topic: this.spec.topic, producer: this.spec.name, producerId: registration.producerId },
          'broker does not know the producer any more: recreating it',
        );
        this.forget(registration);
        const fresh = await this.ready(signal);
        return await this.sendOnce(fresh, payload, send, signal);
      }
      // The topic may have moved or the broker restarted: look it up again next time.
      if (error.code === GrpcStatus.UNAVAILABLE) this.forget(registration);
      throw error;
    }
  }

  private async sendOnce(
    registration: Registration,
    payload: Uint8Array,
    send: PartitionSend,
    signal: AbortSignal,
  ): Promise<SendReceipt> {
    if (this.closed) throw this.closedError();
    const { spec } = this;
    const message: StreamMessageMsg = {
      request_id: this.requestIds.take(),
      msg_id: {
        producer_id: registration.producerId,
        topic_name: spec.topic,
        broker_addr: registration.brokerUrl,
        topic_offset: '0',
      },
      payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      publish_time: Date.now().toString(),
      producer_name: spec.name,
      subscription_name: '',
      attributes: send.attributes ?? {},
    };
    if (spec.schema) {
      message.schema_id = spec.schema.schemaId;
      message.schema_version = spec.schema.version;
    }
    if (send.key !== undefined) message.routing_key = send.key;
    const response = await this.env.connections.unary<StreamMessageMsg, MessageResponseMsg>(
      registration,
      'ProducerService',
      'SendMessage',
      message,
      {
        operation: 'SendMessage',
        topic: spec.topic,
        producer: spec.name,
        // The broker lost the producer (it restarted): recreated below, like a reconnect.
        notFoundKind: 'unavailable',
      },
      { timeoutMs: this.env.requestTimeoutMs, signal },
    );
    return {
      requestId: response.request_id,
      producerId: registration.producerId,
      topic: spec.topic,
    };
  }

  /** The current registration, registering first when there is none. */
  private ready(signal?: AbortSignal): Promise<Registration> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.registration) return Promise.resolve(this.registration);
    if (!this.registering) {
      const registering = this.register();
      this.registering = registering;
      registering.then(
        (registration) => {
          if (this.registering === registering) {
            this.registration = registration;
            this.registering = undefined;
          }
        },
        () => {
          if (this.registering === registering) this.registering = undefined;
        },
      );
    }
    return abortable(this.registering, signal);
  }

  /** Drops a registration the broker no longer honours (no-op if already replaced). */
  private forget(stale: Registration): void {
    if (this.registration === stale) this.registration = undefined;
  }

  private async register(): Promise<Registration> {
    const { env, spec } = this;
    const signal = env.clientSignal;
    return withRetry(
      async () => {
        const where = await env.discovery.lookup(spec.topic, signal);
        const request: ProducerRequestMsg = {
          request_id: this.requestIds.take(),
          producer_name: spec.name,
          topic_name: spec.topic,
          schema_ref: spec.schemaRef ?? null,
          producer_access_mode: 'Shared',
          dispatch_strategy: spec.dispatch,
        };
        const response = await env.connections.unary<ProducerRequestMsg, ProducerResponseMsg>(
          where,
          'ProducerService',
          'CreateProducer',
          request,
          { operation: 'CreateProducer', topic: spec.topic, producer: spec.name },
          { timeoutMs: env.connectTimeoutMs, signal },
        );
        env.logger.debug(
          { topic: spec.topic, producer: spec.name, producerId: response.producer_id },
          'producer registered',
        );
        return { ...where, producerId: response.producer_id };
      },
      {
        policy: env.createRetry,
        signal,
        onRetry: (error, attempt) =>
          env.logger.warn(
            { topic: spec.topic, producer: spec.name, attempt, err: error },
            'producer creation failed, looking the topic up again',
          ),
      },
    );
  }

  private startHealthChecks(): void {
    if (this.healthTimer || this.closed) return;
    this.healthTimer = setInterval(() => void this.checkHealth(), this.env.healthCheckIntervalMs);
    this.healthTimer.unref();
  }

  private async checkHealth(): Promise<void> {
    const registration = this.registration;
    if (!registration || this.checkingHealth || this.closed) return;
    this.checkingHealth = true;
    try {
      const response = await this.env.connections.unary<
        HealthCheckRequestMsg,
        HealthCheckResponseMsg
      >(
        registration,
        'HealthCheck',
        'HealthCheck',
        { request_id: this.requestIds.take(), client: 'Producer', id: registration.producerId },
        { operation: 'HealthCheck', topic: this.spec.topic, producer: this.spec.name },
        { timeoutMs: this.env.requestTimeoutMs, signal: this.env.clientSignal },
      );
      if (response.status === 'CLOSE' && !this.closed) {
        this.env.logger.info(
          { topic: this.spec.topic, producer: this.spec.name, producerId: registration.producerId },
          'broker closed the producer: recreating it',
        );
        this.forget(registration);
        await this.ready();
      }
    } catch (error) {
      // Sends find out about an unreachable broker themselves; keep polling.
      this.env.logger.debug(
        { topic: this.spec.topic, producer: this.spec.name, err: error },
        'health check failed',
      );
    } finally {
      this.checkingHealth = false;
    }
  }

  private closedError(): DanubeError {
    return closedError(`producer ${this.spec.name}`, {
      topic: this.spec.topic,
      producer: this.spec.name,
    });
  }
}
