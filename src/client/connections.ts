import * as grpc from '@grpc/grpc-js';
import { DanubeConnectError, isDanubeConnectError } from '../errors.js';
import { danubeServices, type DanubeServices } from './proto.js';
import { errorFromStatus, closedError, isServiceError, type CallContext } from './status.js';
import { DanubeError } from './errors.js';
import { parseServiceUrl } from './service-url.js';
import { abortError } from './abort.js';

/** The five Danube gRPC services. */
export type ServiceName = keyof DanubeServices;

/** Where and how one call is made. */
export interface CallTarget {
  /** Broker URL or `host:port` to dial. */
  connectUrl: string;
  /** Owner broker, sent as `x-danube-broker-url` when `proxy` is set. */
  brokerUrl?: string | undefined;
  proxy?: boolean | undefined;
}

/** Per-call options. */
export interface CallOptions {
  /** Deadline of the call in ms from now. */
  timeoutMs: number;
  /** Cancels the call (it rejects with the signal's reason when it is an Error). */
  signal?: AbortSignal | undefined;
}

/** Construction options of {@link BrokerConnections}. */
export interface BrokerConnectionsOptions {
  secure: boolean;
  credentials: grpc.ChannelCredentials;
  token?: string | undefined;
  /** HTTP/2 PING interval while calls are in flight. */
  keepaliveIntervalMs: number;
  /** How long a PING may go unanswered before the connection counts as dead. */
  keepaliveTimeoutMs: number;
}

/**
 * Channel options for every broker connection: reconnect quickly after a broker restart
 * (grpc-js backs off up to 120 s by default) and detect dead connections with keepalive
 * pings. grpc-js's own retry layer and channelz call tracking are off: retries belong to
 * this client and the runtime, and both cost CPU on every call (about 5 % of the send path).
 */
function channelOptions(options: BrokerConnectionsOptions): grpc.ChannelOptions {
  return {
    'grpc.enable_retries': 0,
    'grpc.enable_channelz': 0,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.min_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1_000,
    'grpc.keepalive_time_ms': options.keepaliveIntervalMs,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  };
}

type Cancellable = { cancel(): void };

/**
 * The client's connections: one gRPC channel per broker address, shared by every service,
 * with auth / proxy metadata added to every call and every in-flight call tracked so
 * that {@link BrokerConnections.close} can end them all.
 */
export class BrokerConnections {
  private readonly channels = new Map<string, grpc.Client>();
  /** URL as given → `host:port` (parsing a URL per call is measurable on the send path). */
  private readonly addresses = new Map<string, string>();
  private readonly inFlight = new Set<Cancellable>();
  private readonly services = danubeServices();
  private closed = false;

  constructor(private readonly options: BrokerConnectionsOptions) {}

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Makes one unary call; rejects with a {@link DanubeError} built from the status. */
  unary<Req, Res>(
    target: CallTarget,
    service: ServiceName,
    method: string,
    request: Req,
    context: CallContext,
    options: CallOptions,
  ): Promise<Res> {
    if (this.closed) return Promise.reject(closedError('Danube client', context));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const definition = this.method<Req, Res>(service, method);
    const channel = this.channel(target.connectUrl);
    return new Promise<Res>((resolve, reject) => {
      let call: grpc.ClientUnaryCall | undefined = undefined;
      const onAbort = (): void => call?.cancel();
      const finish = (): void => {
        if (call) this.inFlight.delete(call);
        signal?.removeEventListener('abort', onAbort);
      };
      call = channel.makeUnaryRequest<Req, Res>(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        this.metadata(target),
        { deadline: Date.now() + options.timeoutMs },
        (error, response) => {
          finish();
          if (error) {
            reject(this.toError(error, context, signal));
          } else if (response === undefined) {
            reject(new DanubeError(`${context.operation}: empty response`, { kind: 'internal' }));
          } else {
            resolve(response);
          }
        },
      );
      this.inFlight.add(call);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Opens a server stream. The stream is tracked until it ends; `close()` cancels it.
   */
  serverStream<Req, Res>(
    target: CallTarget,
    service: ServiceName,
    method: string,
    request: Req,
    context: CallContext,
  ): grpc.ClientReadableStream<Res> {
    if (this.closed) throw closedError('Danube client', context);
    const definition = this.method<Req, Res>(service, method);
    const stream = this.channel(target.connectUrl).makeServerStreamRequest<Req, Res>(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      request,
      this.metadata(target),
      {},
    );
    this.inFlight.add(stream);
    const forget = (): void => {
      this.inFlight.delete(stream);
    };
    stream.once('close', forget);
    stream.once('error', forget);
    stream.once('end', forget);
    return stream;
  }

  /** Converts a call error (a grpc status, or anything else) to a {@link DanubeError}. */
  toError(error: unknown, context: CallContext, signal?: AbortSignal): DanubeConnectError {
    if (this.closed) return closedError('Danube client', context);
    if (signal?.aborted) return abortError(signal);
    if (isDanubeConnectError(error)) return error;
    if (isServiceError(error)) return errorFromStatus(error, context);
    return new DanubeError(`${context.operation} failed: ${String(error)}`, {
      kind: 'internal',
      topic: context.topic,
      producer: context.producer,
      cause: error,
    });
  }

  /** Cancels every in-flight call and stream and closes every channel. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.inFlight) call.cancel();
    this.inFlight.clear();
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  private method<Req, Res>(service: ServiceName, method: string): grpc.MethodDefinition<Req, Res> {
    const definition = this.services[service].service[method];
    if (!definition) {
      throw new DanubeError(`unknown rpc ${service}.${method}`, { kind: 'internal' });
    }
    return definition as grpc.MethodDefinition<Req, Res>;
  }

  private channel(url: string): grpc.Client {
    let address = this.addresses.get(url);
    if (address === undefined) {
      address = parseServiceUrl(url, this.options.secure).address;
      this.addresses.set(url, address);
    }
    let channel = this.channels.get(address);
    if (!channel) {
      channel = new grpc.Client(address, this.options.credentials, channelOptions(this.options));
      this.channels.set(address, channel);
    }
    return channel;
  }

  private metadata(target: CallTarget): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.options.token !== undefined) {
      metadata.set('authorization', `Bearer ${this.options.token}`);
    }
    if (target.proxy && target.brokerUrl) {
      metadata.set('x-danube-broker-url', target.brokerUrl);
    }
    return metadata;
  }
}
