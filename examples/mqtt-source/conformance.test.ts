import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { checkConnectorConformance } from 'danube-connect-core/testing';
import { parse, stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import connector from './connector.js';
import { startLocalMqttBroker, type LocalMqttBroker } from './local-mqtt.js';

const here = dirname(fileURLToPath(import.meta.url));

let broker: LocalMqttBroker;
beforeAll(async () => {
  broker = await startLocalMqttBroker();
});
afterAll(async () => {
  await broker.close();
});

describe('mqtt-source example', () => {
  it('passes the connector conformance kit (messages published while it was down included)', async () => {
    const config = parse(readFileSync(join(here, 'connector.toml'), 'utf8'));
    // Quick reconnects, so the health check recovers within the kit's budget.
    Object.assign(config.mqtt as object, { reconnect_min_ms: 20, reconnect_max_ms: 200 });
    const device = await mqtt.connectAsync({
      host: '127.0.0.1',
      port: broker.port,
      clientId: 'conformance-device',
    });
    try {
      const report = await checkConnectorConformance({
        module: connector,
        config: stringify(config),
        configDir: here,
        env: { MQTT_BROKER_PORT: String(broker.port), MQTT_CLIENT_ID: 'conformance-connector' },
        expectedTopics: ['/iot/telemetry'],
        // clean_session = false: the MQTT broker queues what is published while we are down.
        emitWhileStopped: true,
        emit: async (count, { emittedBefore }) => {
          for (let i = emittedBefore; i < emittedBefore + count; i++) {
            const reading = {
              device_id: `d${i % 3}`,
              sensor_type: 'pressure',
              value: i,
              timestamp: new Date().toISOString(),
            };
            await device.publishAsync(`sensors/d${i % 3}/telemetry`, JSON.stringify(reading), {
              qos: 1,
            });
          }
        },
        health: {
          makeUnhealthy: () => broker.stopAccepting(),
          makeHealthy: () => broker.startAccepting(),
        },
      });
      // MQTT acknowledges each message itself; there are no offsets to commit.
      const notPassed = report.properties
        .filter((p) => p.status !== 'passed')
        .map((p) => [p.property, p.status]);
      expect(notPassed).toEqual([['offsets-after-publish', 'skipped']]);
    } finally {
      await device.endAsync(true);
    }
  });
});
