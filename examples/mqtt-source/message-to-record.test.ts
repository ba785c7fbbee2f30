import { TopicRouter } from 'danube-connect-core';
import { describe, expect, it } from 'vitest';
import { messageToRecord, type MqttMessage } from './message-to-record.js';
import { settings } from './settings.js';

const message = (payload: string, topic = 'sensors/a1/temp'): MqttMessage => ({
  topic,
  payload: Buffer.from(payload),
  qos: 1,
  retain: false,
  dup: false,
});

describe('messageToRecord', () => {
  it('passes JSON bytes through, keyed by the MQTT topic, with mqtt.* attributes', () => {
    const record = messageToRecord(message('{"t":21.5}'), '/iot/sensors', 'json_schema', true);
    expect(record.payload).toEqual({ kind: 'bytes', value: Buffer.from('{"t":21.5}') });
    expect(record.key).toBe('sensors/a1/temp');
    expect(record.attributes).toEqual({
      'mqtt.topic': 'sensors/a1/temp',
      'mqtt.qos': '1',
      'mqtt.retain': 'false',
      'mqtt.dup': 'false',
      source: 'mqtt',
    });
  });

  it('leaves attributes out when include_metadata is false', () => {
    expect(messageToRecord(message('{}'), '/iot/sensors', undefined, false).attributes).toEqual({});
  });

  it('wraps a non-JSON payload on a topic without schema as base64, like the Rust connector', () => {
    const record = messageToRecord(message('\u0001\u0002'), '/iot/raw', undefined, false);
    expect(record.payload).toEqual({
      kind: 'json',
      value: { data: 'AQI=', size: 2, encoding: 'base64' },
    });
  });

  it('parses numbers for a number schema and leaves anything else to the runtime to refuse', () => {
    expect(messageToRecord(message(' 42.5 '), '/iot/m', 'number', false).payload).toEqual({
      kind: 'number',
      value: 42.5,
    });
    expect(messageToRecord(message('warm'), '/iot/m', 'number', false).payload.kind).toBe('bytes');
  });
});

describe('[[mqtt.routes]]', () => {
  const parsed = settings.parse({
    mqtt: {
      broker_host: 'localhost',
      client_id: 'c1',
      routes: [
        { from: 'sensors/+/temp', to: '/iot/temperature', qos: 'AtLeastOnce', partitions: 4 },
        { from: 'debug/#', to: '/iot/debug', qos: 'AtMostOnce' },
        { from: '#', to: '/iot/other', reliable_dispatch: false },
      ],
    },
  });
  const router = new TopicRouter(parsed.mqtt.routes, { syntax: 'mqtt', path: 'mqtt.routes' });

  it('derives reliable_dispatch from the QoS unless set, as the Rust connector does', () => {
    expect(parsed.mqtt.routes.map((r) => [r.qos, r.reliable_dispatch])).toEqual([
      ['AtLeastOnce', true],
      ['AtMostOnce', false],
      ['AtLeastOnce', false],
    ]);
  });

  it('routes with + and # to the first matching filter', () => {
    expect(router.route('sensors/a1/temp')?.topic).toBe('/iot/temperature');
    expect(router.route('debug')?.topic).toBe('/iot/debug');
    expect(router.route('debug/x/y')?.topic).toBe('/iot/debug');
    expect(router.route('sensors/a1/humidity')?.topic).toBe('/iot/other');
    expect(router.route('$SYS/broker/uptime')).toBeUndefined();
  });
});
