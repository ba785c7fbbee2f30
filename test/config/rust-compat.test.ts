import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorLines, parse } from './helpers.js';
import { mqttSettings, webhookSettings } from './rust-settings.js';

const fixture = (name: string) =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

describe('configs written for the Rust runtime', () => {
  it('MQTT: [mqtt] with [[mqtt.routes]] loads unchanged, without warnings', () => {
    const { config, warnings } = parse(fixture('mqtt-rust.toml'), mqttSettings);
    expect(warnings).toEqual([]);
    expect(config.core.connector_name).toBe('mqtt-plant-floor');
    expect(config.core.retry).toEqual({
      max_retries: 4,
      retry_backoff_ms: 500,
      max_backoff_ms: 20_000,
      publish_timeout_ms: 120_000,
    });
    expect(config.core.processing).toMatchObject({
      batch_size: 250,
      batch_timeout_ms: 500,
      poll_interval_ms: 50,
      metrics_port: 9191,
      log_level: 'debug',
    });
    expect(
      config.core.schemas.map((s) => [s.topic, s.schema_type, s.schema_file, s.version_strategy]),
    ).toEqual([
      ['/plant/temperature', 'json_schema', 'schemas/temperature.json', 'latest'],
      ['/plant/logs', 'string', undefined, { pinned: 1 }],
      ['/plant/counters', 'number', undefined, { minimum: 1 }],
    ]);
    expect(config.mqtt.broker_host).toBe('mosquitto.local');
    expect(config.mqtt.tcp_nodelay).toBe(true);
    expect(config.mqtt.routes).toEqual([
      { from: 'plant/+/temperature', to: '/plant/temperature', qos: 'AtLeastOnce', partitions: 3 },
      { from: 'plant/+/log', to: '/plant/logs', qos: 'AtMostOnce', partitions: 0 },
      {
        from: 'plant/+/counter',
        to: '/plant/counters',
        qos: 'ExactlyOnce',
        partitions: 0,
        reliable_dispatch: false,
      },
    ]);
  });

  it('MQTT: the connector secrets come from the environment', () => {
    const { config } = parse(fixture('mqtt-rust.toml'), mqttSettings, {
      env: { MQTT_USERNAME: 'plant', MQTT_PASSWORD: 'pl4nt-pw', MQTT_BROKER_PORT: '8883' },
    });
    expect(config.mqtt.username).toBe('plant');
    expect(config.mqtt.password).toBe('pl4nt-pw');
    expect(config.mqtt.broker_port).toBe(8883);
    expect(config.core.secrets).toEqual(['pl4nt-pw']);
  });

  it('webhook: root sections [server], [auth], [rate_limit], [[routes]] load unchanged', () => {
    const { config, warnings } = parse(fixture('webhook-rust.toml'), webhookSettings);
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 8088,
      timeout_seconds: 15,
      max_body_size: 524_288,
    });
    expect(config.auth).toEqual({
      type: 'hmac',
      secret_env: 'BILLING_WEBHOOK_SECRET',
      header: 'X-Billing-Signature',
      algorithm: 'sha512',
    });
    expect(config.rate_limit?.per_ip_requests_per_second).toBe(5);
    expect(config.routes).toEqual([
      {
        from: '/hooks/invoices',
        to: '/billing/invoices',
        partitions: 2,
        reliable_dispatch: true,
        rate_limit: { requests_per_second: 20, burst_size: 40, per_ip_enabled: false },
      },
      { from: '/hooks/notes', to: '/billing/notes', partitions: 0, reliable_dispatch: false },
    ]);
    expect(config.core.schemas[0]?.schema_type).toBe('json_schema');
    expect(config.core.retry.max_retries).toBe(6);
    expect(config.core.retry.retry_backoff_ms).toBe(1000);
    expect(warnings).toEqual([
      'connector.toml: retry.initial_interval_ms: unknown key (did you mean "retry_backoff_ms"? the Rust runtime ignored this key too)',
      'connector.toml: retry.max_interval_ms: unknown key (did you mean "max_backoff_ms"? the Rust runtime ignored this key too)',
    ]);
  });

  it('webhook: the keys the Rust runtime ignored are errors in strict mode', () => {
    expect(errorLines(fixture('webhook-rust.toml'), webhookSettings, { strict: true })).toEqual([
      'connector.toml: retry.initial_interval_ms: unknown key (did you mean "retry_backoff_ms"? the Rust runtime ignored this key too)',
      'connector.toml: retry.max_interval_ms: unknown key (did you mean "max_backoff_ms"? the Rust runtime ignored this key too)',
    ]);
  });
});
