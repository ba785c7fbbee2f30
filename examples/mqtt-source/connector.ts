import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import {
  ConnectorError,
  RuntimeStoppingError,
  SourceConnector,
  TopicRouter,
  defineConnector,
  type ConnectorConfig,
  type ProducerConfig,
  type SourceSender,
} from 'danube-connect-core';
import { connectorLog, type ConnectorLog } from '../shared/connector-log.js';
import { messageToRecord, type SchemaType } from './message-to-record.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { QOS_LEVEL, settings, type MqttRoute, type MqttSettings } from './settings.js';

export type { ConnectorLog } from '../shared/connector-log.js';

/** Options of {@link MqttSourceConnector} beyond its settings. */
export interface MqttSourceOptions {
  log?: ConnectorLog;
  /** Told each time the connection to the MQTT broker is made (true) or lost (false). */
  onConnectionChange?: (connected: boolean) => void;
}

/**
 * MQTT → Danube, streaming. Subscribes to every route's filter and forwards each message to the
 * Danube topic of the first matching route.
 *
 * Delivery: a QoS 1 message is acknowledged (PUBACK) only once the runtime reports it durably
 * published, so the MQTT broker redelivers whatever was in flight if the connector dies. The
 * Node MQTT client hands over incoming packets one at a time and sends the PUBACK when
 * `handleMessage` calls back: that callback is the hook used here (mqtt.js' `customHandleAcks`
 * only exists for MQTT 5, which brokers such as aedes do not speak). QoS 0 messages wait only
 * for room in the runtime's buffer, which slows the socket down under backpressure.
 */
export class MqttSourceConnector extends SourceConnector {
  private readonly router: TopicRouter<MqttRoute>;
  private log: ConnectorLog;
  private readonly backoff: ReconnectBackoff;
  private schemaTypes = new Map<string, SchemaType>();
  private client: MqttClient | undefined;
  private sender: SourceSender | undefined;
  private senderAttached: () => void = () => {};
  private readonly senderReady = new Promise<void>((resolve) => (this.senderAttached = resolve));
  private markSubscribed: () => void = () => {};
  /** Resolves once every route is subscribed (messages flow from then on). */
  readonly subscribed = new Promise<void>((resolve) => (this.markSubscribed = resolve));
  /** Bumped when a connection closes: an ack computed for an older connection is dropped. */
  private connectionGeneration = 0;
  private disconnectedSince: Date | undefined;
  private stopping = false;

  constructor(
    private readonly settings: MqttSettings,
    private readonly options: MqttSourceOptions = {},
  ) {
    super();
    // A shared subscription ($share/group/filter) delivers topics matching its filter part.
    const routes = settings.routes.map((route) => ({
      ...route,
      from: withoutSharePrefix(route.from),
    }));
    this.router = new TopicRouter(routes, { syntax: 'mqtt', path: 'mqtt.routes' });
    this.log = options.log ?? console;
    this.backoff = new ReconnectBackoff(settings.reconnect_min_ms, settings.reconnect_max_ms);
  }

  override mode(): 'streaming' {
    return 'streaming';
  }

  /** Connects to the MQTT broker; a broker that refuses or cannot be reached in time is fatal. */
  override async initialize(core: ConnectorConfig): Promise<void> {
    this.log = this.options.log ?? connectorLog(core, 'mqtt');
    this.schemaTypes = new Map(core.schemas.map((schema) => [schema.topic, schema.schema_type]));
    const client = mqtt.connect(this.clientOptions());
    this.client = client;
    this.watchConnection(client);
    client.handleMessage = (packet, callback) => this.handleMessage(packet, callback);
    try {
      await firstConnection(client, this.settings.connection_timeout_secs * 1000);
    } catch (cause) {
      await client.endAsync(true);
      throw ConnectorError.fatal(`cannot connect to the MQTT broker at ${this.brokerAddress()}`, {
        cause,
      });
    }
    this.log.info(`connected to MQTT broker ${this.brokerAddress()} as ${this.settings.client_id}`);
  }

  override producerConfigs(): ProducerConfig[] {
    return this.router.producerConfigs();
  }

  /** Subscribes every route; messages flow through `handleMessage` from then on. */
  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    const client = this.requireClient();
    this.sender = sender;
    this.senderAttached();
    signal.addEventListener('abort', () => (this.stopping = true), { once: true });
    for (const route of this.settings.routes) {
      const [grant] = await client.subscribeAsync(route.from, { qos: QOS_LEVEL[route.qos] });
      if (grant === undefined || grant.qos === 128) {
        throw ConnectorError.fatal(`MQTT broker refused the subscription to "${route.from}"`);
      }
      this.log.info(`subscribed to ${route.from} (QoS ${grant.qos}) → ${route.to}`);
    }
    this.markSubscribed();
  }

  /** Healthy while connected to the MQTT broker. */
  override healthCheck(): Promise<void> {
    if (this.client?.connected === true) return Promise.resolve();
    const since = this.disconnectedSince?.toISOString() ?? 'start-up';
    return Promise.reject(
      ConnectorError.retryable(
        `not connected to the MQTT broker at ${this.brokerAddress()} since ${since}`,
      ),
    );
  }

  /** Disconnects; unacknowledged messages are redelivered by the broker to the next session. */
  override async shutdown(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.endAsync(!client.connected);
  }

  private handleMessage(packet: IPublishPacket, ack: () => void): void {
    const generation = this.connectionGeneration;
    this.forward(packet).then(
      (acknowledge) => {
        // After a reconnect the message id may belong to another message: never ack it there.
        if (acknowledge && generation === this.connectionGeneration) ack();
      },
      (error: unknown) => {
        if (!(error instanceof RuntimeStoppingError)) {
          this.log.error(
            `MQTT message on ${packet.topic} not published, left unacknowledged: ${String(error)}`,
          );
        }
      },
    );
  }

  /** Hands the message to the runtime; resolves to whether the MQTT broker may be acked. */
  private async forward(packet: IPublishPacket): Promise<boolean> {
    await this.senderReady;
    const route = this.router.route(packet.topic);
    if (route === undefined) {
      this.log.warn(`no route for MQTT topic ${packet.topic}: message dropped`);
      return true;
    }
    if (this.stopping || this.sender === undefined) throw new RuntimeStoppingError();
    const payload =
      typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const record = messageToRecord(
      { topic: packet.topic, payload, qos: packet.qos, retain: packet.retain, dup: packet.dup },
      route.topic,
      this.schemaTypes.get(route.topic),
      this.settings.include_metadata,
    );
    const receipt = await this.sender.send(record);
    if (packet.qos === 0) return true;
    const result = await receipt.delivered;
    if (result.status !== 'published') {
      this.log.warn(`MQTT message on ${packet.topic} ${result.status}: ${result.error.message}`);
    }
    return true;
  }

  private clientOptions(): IClientOptions {
    const s = this.settings;
    return {
      protocol: s.use_tls ? 'mqtts' : 'mqtt',
      host: s.broker_host,
      port: s.broker_port,
      clientId: s.client_id,
      username: s.username,
      password: s.password,
      keepalive: s.keep_alive_secs,
      clean: s.clean_session,
      connectTimeout: s.connection_timeout_secs * 1000,
      reconnectPeriod: s.reconnect_min_ms,
      resubscribe: true,
    };
  }

  private watchConnection(client: MqttClient): void {
    // Runs before mqtt.js' own 'close' handler, which schedules the reconnect with this period.
    client.prependListener('close', () => {
      this.connectionGeneration += 1;
      client.options.reconnectPeriod = this.backoff.next();
      if (this.disconnectedSince !== undefined) return;
      this.disconnectedSince = new Date();
      this.options.onConnectionChange?.(false);
    });
    client.on('connect', () => {
      this.backoff.reset();
      this.options.onConnectionChange?.(true);
      if (this.disconnectedSince !== undefined && !this.stopping) {
        this.log.info(`reconnected to MQTT broker ${this.brokerAddress()}`);
      }
      this.disconnectedSince = undefined;
    });
    client.on('offline', () => {
      if (!this.stopping)
        this.log.warn(`MQTT broker ${this.brokerAddress()} unreachable, reconnecting`);
    });
    client.on('error', (error) => this.log.warn(`MQTT client error: ${error.message}`));
  }

  private requireClient(): MqttClient {
    if (this.client === undefined)
      throw ConnectorError.fatal('MQTT client used before initialize()');
    return this.client;
  }

  private brokerAddress(): string {
    return `${this.settings.broker_host}:${this.settings.broker_port}`;
  }
}

function withoutSharePrefix(filter: string): string {
  const match = /^\$share\/[^/]+\/(.+)$/.exec(filter);
  return match?.[1] ?? filter;
}

/** Resolves on the first CONNACK; rejects on a refused CONNECT or after `timeoutMs`. */
function firstConnection(client: MqttClient, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onConnect = (): void => finish();
    const onError = (error: Error): void => {
      // Connection refused by the broker (bad credentials, not authorized): no point retrying.
      if ('code' in error && typeof error.code === 'number') finish(error);
    };
    function finish(error?: Error): void {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    }
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}

/** The runnable module: `danube-connect run examples/mqtt-source/connector.ts`. */
export default defineConnector({
  settings,
  create: (config) => new MqttSourceConnector(config.mqtt),
});
