import { SourceRecord, type ConnectorConfig } from 'danube-connect-core';

/** The schema type configured for a Danube topic in `[[schemas]]`, if any. */
export type SchemaType = ConnectorConfig['schemas'][number]['schema_type'];

/** What arrived on a route, with the request details that become attributes. */
export interface WebhookEvent {
  body: Buffer;
  path: string;
  connectorName: string;
  receivedAt: Date;
  clientIp: string | undefined;
  userAgent: string | undefined;
  contentType: string | undefined;
}

/** The event cannot be published as sent; the reason is returned to the sender with a 400. */
export type EventConversion = { ok: true; record: SourceRecord } | { ok: false; reason: string };

/**
 * Turns a webhook body into a record for `topic`. Bodies must be JSON, except on topics whose
 * schema is `string` or `bytes`. Valid JSON goes on as the bytes that were received (so a
 * signature over them still verifies downstream); the runtime validates it against the topic's
 * JSON Schema or Avro schema. A `number` schema expects a JSON number.
 * Attributes are the Rust connector's: `webhook.source`, `webhook.endpoint`,
 * `webhook.timestamp`, `webhook.ip`, `webhook.user_agent`, `webhook.content_type`.
 */
export function eventToRecord(
  event: WebhookEvent,
  topic: string,
  schemaType: SchemaType | undefined,
): EventConversion {
  let record: SourceRecord;
  if (schemaType === 'string' || schemaType === 'bytes') {
    record = SourceRecord.bytes(topic, event.body);
  } else {
    let value: unknown;
    try {
      value = JSON.parse(event.body.toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
    }
    if (schemaType === 'number') {
      if (typeof value !== 'number') return { ok: false, reason: `${topic} expects a JSON number` };
      record = SourceRecord.number(topic, value);
    } else {
      record = SourceRecord.bytes(topic, event.body);
    }
  }
  const attributes: Record<string, string> = {
    'webhook.source': event.connectorName,
    'webhook.endpoint': event.path,
    'webhook.timestamp': event.receivedAt.toISOString(),
  };
  if (event.clientIp !== undefined) attributes['webhook.ip'] = event.clientIp;
  if (event.userAgent !== undefined) attributes['webhook.user_agent'] = event.userAgent;
  if (event.contentType !== undefined) attributes['webhook.content_type'] = event.contentType;
  return { ok: true, record: record.withAttributes(attributes) };
}
