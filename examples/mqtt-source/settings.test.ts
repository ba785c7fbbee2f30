import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from 'danube-connect-core';
import { describe, expect, it } from 'vitest';
import connectorModule from './connector.js';
import { settings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('mqtt-source configuration', () => {
  it('loads a config written for the Rust MQTT connector unchanged, with the Rust defaults', async () => {
    const warnings: string[] = [];
    const config = await loadConfig(settings, {
      path: join(here, 'fixtures/rust-connector.toml'),
      env: {},
      warn: (message) => warnings.push(message),
    });
    expect(warnings).toEqual([]);
    expect(config.mqtt).toMatchObject({
      broker_host: 'mosquitto',
      client_id: 'danube-connector-1',
      max_packet_size: 10485760,
    });
    expect(
      config.mqtt.routes.map((r) => [r.from, r.qos, r.partitions, r.reliable_dispatch]),
    ).toEqual([
      ['sensors/+/zone1', 'AtLeastOnce', 4, true],
      ['debug/#', 'AtMostOnce', 0, false],
      ['alarms/critical/#', 'ExactlyOnce', 0, true],
    ]);
    expect(config.core.schemas.map((s) => s.schema_type)).toEqual(['json_schema', 'string']);
    expect(connectorModule.settings).toBe(settings);
  });

  it('takes the MQTT credentials and connection overrides from the environment', async () => {
    const config = await loadConfig(settings, {
      path: join(here, 'connector.toml'),
      env: {
        MQTT_USERNAME: 'ingest',
        MQTT_PASSWORD: 'pw-123',
        MQTT_BROKER_HOST: 'mqtt.internal',
        MQTT_BROKER_PORT: '8883',
        MQTT_USE_TLS: 'true',
      },
    });
    expect(config.mqtt).toMatchObject({
      username: 'ingest',
      password: 'pw-123',
      broker_host: 'mqtt.internal',
      broker_port: 8883,
      use_tls: true,
    });
    expect(config.core.secrets).toEqual(expect.arrayContaining(['ingest', 'pw-123']));
  });

  it('needs at least one route, and valid QoS names', () => {
    const base = { broker_host: 'h', client_id: 'c' };
    expect(settings.safeParse({ mqtt: { ...base, routes: [] } }).success).toBe(false);
    expect(
      settings.safeParse({ mqtt: { ...base, routes: [{ from: 'a/#', to: '/iot/a', qos: 1 }] } })
        .success,
    ).toBe(false);
  });
});
