/**
 * `npm run example:mqtt`: MQTT → Danube in one process. Starts an MQTT broker (aedes), a Danube
 * broker (embedded, unless DANUBE_SERVICE_URL is set), the connector with connector.toml,
 * publishes a few sensor readings and prints what a Danube consumer receives.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { SourceRuntime, createLogger, loadConfig } from 'danube-connect-core';
import { consumeAndPrint, demoDanube } from '../shared/demo-danube.js';
import { MqttSourceConnector } from './connector.js';
import { startLocalMqttBroker } from './local-mqtt.js';
import { settings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));

const danube = await demoDanube(['iot']);
const mqttBroker = await startLocalMqttBroker();
console.log(`MQTT:   aedes broker at 127.0.0.1:${mqttBroker.port}`);

const config = await loadConfig(settings, {
  path: join(here, 'connector.toml'),
  env: {
    ...process.env,
    DANUBE_SERVICE_URL: danube.url,
    MQTT_BROKER_HOST: '127.0.0.1',
    MQTT_BROKER_PORT: String(mqttBroker.port),
  },
});
// Quiet unless LOG_LEVEL says otherwise (LOG_LEVEL=info tells the runtime's story).
const logger = createLogger({
  level: 'error',
  secrets: config.core.secrets,
  name: config.core.connector_name,
});
const connector = new MqttSourceConnector(config.mqtt, { log: logger });
const runtime = new SourceRuntime(connector, config.core, { logger, http: { port: 0 } });
const stop = new AbortController();
const running = runtime.run({ signal: stop.signal });
await Promise.race([connector.subscribed, running]);
console.log(`Connector running; status at ${runtime.httpUrl ?? '(no HTTP server)'}/status\n`);

const telemetry = await consumeAndPrint(danube.url, '/iot/telemetry', 'mqtt-demo');
const logs = await consumeAndPrint(danube.url, '/iot/logs', 'mqtt-demo');

const device = await mqtt.connectAsync({
  host: '127.0.0.1',
  port: mqttBroker.port,
  clientId: 'demo-device',
});
const readings = [
  { device_id: 'greenhouse-1', sensor_type: 'temperature', value: 21.4, unit: 'celsius' },
  { device_id: 'greenhouse-1', sensor_type: 'humidity', value: 63, unit: 'percent' },
  { device_id: 'greenhouse-2', sensor_type: 'temperature', value: 19.8, unit: 'celsius' },
];
for (const reading of readings) {
  const topic = `sensors/${reading.device_id}/telemetry`;
  const payload = JSON.stringify({ ...reading, timestamp: new Date().toISOString() });
  console.log(`  → MQTT ${topic} (QoS 1) ${payload}`);
  // Resolves on PUBACK, which the connector sends only once Danube stored the message.
  await device.publishAsync(topic, payload, { qos: 1 });
}
console.log('  → MQTT devices/greenhouse-1/logs (QoS 0) "watering valve opened"');
await device.publishAsync('devices/greenhouse-1/logs', 'watering valve opened', { qos: 0 });

console.log('\nA Danube consumer receives:');
await telemetry.take(
  readings.length,
  (m) => `${m.topic} key=${m.key ?? ''} ${m.payload.toString()}`,
);
await logs.take(
  1,
  (m) => `${m.topic} mqtt.qos=${m.attributes['mqtt.qos'] ?? '?'} "${m.payload.toString()}"`,
);

await device.endAsync();
await telemetry.close();
await logs.close();
stop.abort();
await running;
await mqttBroker.close();
await danube.close();
console.log('\nDone.');
