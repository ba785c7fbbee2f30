import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status as grpcStatus } from '@grpc/grpc-js';
import { Aedes, type Client } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { startBroker, type EmbeddedBroker, type StoredMessage } from 'danube-connect-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleConfig, type TomlPatch } from '../shared/example-config.js';
import { startRuntime, type RunningRuntime } from '../shared/run-runtime.js';
import { MqttSourceConnector } from './connector.js';
import { settings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));
const TELEMETRY = '/iot/telemetry';
const LOGS = '/iot/logs';
const CLIENT_ID = 'danube-mqtt-e2e';
const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** An aedes MQTT broker on a free port, with the PUBACKs our connector sends, in order. */
interface MqttBroker {
  aedes: Aedes;
  port: number;
  /** Topics of the QoS 1 messages the connector acknowledged (PUBACK), in order. */
  acked: string[];
  /** The connector's connection, once it connected. */
  connectorClient(): Client | undefined;
  close(): Promise<void>;
}

async function startMqttBroker(): Promise<MqttBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const acked: string[] = [];
  let connector: Client | undefined;
  aedes.on('client', (client) => {
    if (client.id === CLIENT_ID) connector = client;
  });
  aedes.on('ack', (packet, client) => {
    if (client.id === CLIENT_ID && packet !== undefined && 'topic' in packet)
      acked.push(packet.topic);
  });
  return {
    aedes,
    port: (server.address() as AddressInfo).port,
    acked,
    connectorClient: () => connector,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Running {
  connector: MqttSourceConnector;
  running: RunningRuntime;
  connection: boolean[];
  nextConnectionChange(): Promise<boolean>;
}

let danube: EmbeddedBroker;
let mqttBroker: MqttBroker;
let publisher: MqttClient;
const runs: Running[] = [];

beforeEach(async () => {
  danube = await startBroker({ namespaces: ['iot'] });
  mqttBroker = await startMqttBroker();
  publisher = await mqtt.connectAsync({
    host: '127.0.0.1',
    port: mqttBroker.port,
    clientId: 'device-sim',
  });
});

afterEach(async () => {
  for (const run of runs.splice(0)) await run.running.stop().catch(() => {});
  await publisher.endAsync();
  await mqttBroker.close();
  await danube.close();
});

/** The example's connector.toml against the aedes broker and the embedded Danube broker. */
async function startConnector(patch: TomlPatch = {}): Promise<Running> {
  const env = {
    DANUBE_SERVICE_URL: danube.url,
    MQTT_BROKER_PORT: String(mqttBroker.port),
    MQTT_CLIENT_ID: CLIENT_ID,
  };
  const config = exampleConfig(settings, here, { env, patch });
  const connection: boolean[] = [];
  const waiters: Array<(connected: boolean) => void> = [];
  const connector = new MqttSourceConnector(config.mqtt, {
    log: silent,
    onConnectionChange: (connected) => {
      connection.push(connected);
      waiters.shift()?.(connected);
    },
  });
  const running = startRuntime(connector, config.core);
  const run: Running = {
    connector,
    running,
    connection,
    nextConnectionChange: () => new Promise((resolve) => waiters.push(resolve)),
  };
  runs.push(run);
  await Promise.race([connector.subscribed, running.finished]);
  return run;
}

/** Resolves when the Danube broker receives a call of `method`. */
function nextCall(method: string): Promise<void> {
  return new Promise((resolve) => {
    const onCall = (event: { method: string }): void => {
      if (event.method !== method) return;
      danube.off('call', onCall);
      resolve();
    };
    danube.on('call', onCall);
  });
}

/** Every message stored in `topic`, all partitions. */
function stored(topic: string): StoredMessage[] {
  return danube
    .topics()
    .flatMap((t) => (t === topic || t.startsWith(`${topic}-part-`) ? danube.messages(t) : []));
}

function reading(device: string, value: number): string {
  return JSON.stringify({
    device_id: device,
    sensor_type: 'temperature',
    value,
    timestamp: '2025-06-01T12:00:00Z',
  });
}

describe('mqtt-source example (aedes MQTT broker, embedded Danube broker)', () => {
  it('acknowledges QoS 1 messages to the MQTT broker only after Danube stored them', async () => {
    await startConnector();
    // Every publish takes a while, so a PUBACK sent early would show up before the store.
    danube.faults.latency(150, 'SendMessage');
    const timeline: string[] = [];
    danube.on('message', (m) => timeline.push(`stored ${m.attributes['mqtt.topic']}`));
    mqttBroker.aedes.on('ack', (packet, client) => {
      if (client.id === CLIENT_ID && packet !== undefined && 'topic' in packet)
        timeline.push(`puback ${packet.topic}`);
    });

    for (const device of ['s1', 's2', 's3']) {
      await publisher.publishAsync(`sensors/${device}/telemetry`, reading(device, 21.5), {
        qos: 1,
      });
    }
    while (mqttBroker.acked.length < 3) await once(mqttBroker.aedes, 'ack');

    expect(timeline).toEqual([
      'stored sensors/s1/telemetry',
      'puback sensors/s1/telemetry',
      'stored sensors/s2/telemetry',
      'puback sensors/s2/telemetry',
      'stored sensors/s3/telemetry',
      'puback sensors/s3/telemetry',
    ]);
    const first = stored(TELEMETRY).find((m) => m.key === 'sensors/s1/telemetry');
    expect(first?.payload.toString()).toBe(reading('s1', 21.5));
    expect(first?.attributes).toEqual({
      'mqtt.topic': 'sensors/s1/telemetry',
      'mqtt.qos': '1',
      'mqtt.retain': 'false',
      'mqtt.dup': 'false',
      source: 'mqtt',
    });
  });

  it('leaves a message Danube did not store unacknowledged, and gets it again after a restart', async () => {
    const first = await startConnector({ processing: { shutdown_timeout_ms: 100 } });
    danube.faults.failNext('SendMessage', 1_000_000, grpcStatus.UNAVAILABLE, 'Danube is down');
    const attempted = nextCall('SendMessage');

    await publisher.publishAsync('sensors/s9/telemetry', reading('s9', 30), { qos: 1 });
    await attempted;
    await first.running.stop();

    expect(mqttBroker.acked).toEqual([]);
    expect(stored(TELEMETRY)).toEqual([]);

    // Same client id, persistent session (clean_session = false): the MQTT broker redelivers.
    danube.faults.clear();
    await startConnector();
    while (mqttBroker.acked.length < 1) await once(mqttBroker.aedes, 'ack');

    const [message] = stored(TELEMETRY);
    expect(message?.payload.toString()).toBe(reading('s9', 30));
    expect(mqttBroker.acked).toEqual(['sensors/s9/telemetry']);
  });

  it('forwards QoS 0 messages as text to a string-schema topic', async () => {
    await startConnector();

    await publisher.publishAsync('devices/d1/logs', 'boot ok', { qos: 0 });
    const [message] = await danube.waitForMessages(LOGS, 1);

    expect(message?.payload.toString()).toBe('boot ok');
    expect(message?.attributes['mqtt.qos']).toBe('0');
    expect(message?.schemaId).toBeDefined();
  });

  it('reports unhealthy while disconnected and reconnects by itself', async () => {
    const run = await startConnector({ mqtt: { reconnect_min_ms: 20, reconnect_max_ms: 100 } });
    await expect(run.connector.healthCheck()).resolves.toBeUndefined();

    const lost = run.nextConnectionChange();
    mqttBroker.connectorClient()?.close();
    expect(await lost).toBe(false);
    await expect(run.connector.healthCheck()).rejects.toThrow(
      /not connected to the MQTT broker at 127\.0\.0\.1:\d+ since/,
    );

    expect(await run.nextConnectionChange()).toBe(true);
    await expect(run.connector.healthCheck()).resolves.toBeUndefined();
    await publisher.publishAsync('sensors/s4/telemetry', reading('s4', 19), { qos: 1 });
    while (mqttBroker.acked.length < 1) await once(mqttBroker.aedes, 'ack');
    expect(stored(TELEMETRY).map((m) => m.key)).toEqual(['sensors/s4/telemetry']);
  });
});
