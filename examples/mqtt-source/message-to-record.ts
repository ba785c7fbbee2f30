import { SourceRecord, type ConnectorConfig, type JsonValue } from 'danube-connect-core';

/** The parts of an MQTT PUBLISH a record is made of. */
export interface MqttMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
}

/** The schema type configured for a Danube topic in `[[schemas]]`, if any. */
export type SchemaType = ConnectorConfig['schemas'][number]['schema_type'];

/**
 * Turns an MQTT message into a record for the Danube `topic`. The payload bytes go through
 * unchanged and the runtime validates them against the topic's schema (JSON Schema / Avro
 * parse them as JSON, `string` checks UTF-8); a `number` schema gets the payload parsed as a
 * number. A payload that fails is handled by the runtime's failure policy (skip / dead-letter).
 *
 * On a topic without a schema, a payload that is not JSON becomes, as in the Rust connector,
 * `{ "data": <base64>, "size": n, "encoding": "base64" }`, so consumers always read JSON.
 *
 * The MQTT topic is the routing key: messages of one device keep their order on a
 * partitioned Danube topic.
 */
export function messageToRecord(
  message: MqttMessage,
  topic: string,
  schemaType: SchemaType | undefined,
  includeMetadata: boolean,
): SourceRecord {
  let record = payloadRecord(message.payload, topic, schemaType).withKey(message.topic);
  if (includeMetadata) {
    record = record.withAttributes({
      'mqtt.topic': message.topic,
      'mqtt.qos': String(message.qos),
      'mqtt.retain': String(message.retain),
      'mqtt.dup': String(message.dup),
      source: 'mqtt',
    });
  }
  return record;
}

function payloadRecord(
  payload: Buffer,
  topic: string,
  schemaType: SchemaType | undefined,
): SourceRecord {
  if (schemaType === 'number') {
    const text = payload.toString('utf8').trim();
    const value = Number(text);
    // Not a number: the bytes go on and the runtime's number codec reports the problem.
    return text !== '' && Number.isFinite(value)
      ? SourceRecord.number(topic, value)
      : SourceRecord.bytes(topic, payload);
  }
  if (schemaType !== undefined || isJson(payload)) return SourceRecord.bytes(topic, payload);
  return SourceRecord.json(topic, base64Envelope(payload));
}

function isJson(payload: Buffer): boolean {
  try {
    JSON.parse(payload.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function base64Envelope(payload: Buffer): JsonValue {
  return { data: payload.toString('base64'), size: payload.length, encoding: 'base64' };
}
