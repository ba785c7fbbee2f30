import { createHash } from 'node:crypto';
import { parsePartitionTopic } from '../../client/routing.js';
import type { SourceRecord } from '../../connector/record.js';
import { encodeWithoutSchema } from '../../schema/without-schema.js';
import type { StoredMessage } from '../broker/types.js';

/**
 * Identity of a message for matching what a connector handed over with what the broker
 * stored: topic (partition suffix removed), key, attributes and payload bytes. Topics
 * with `wire_format = "binary"` compare without the payload (the runtime's binary
 * encodings are not the connector's value).
 */
export class Fingerprints {
  readonly #payloadBlind: ReadonlySet<string>;

  constructor(payloadBlindTopics: Iterable<string>) {
    this.#payloadBlind = new Set(payloadBlindTopics);
  }

  /** Fingerprint of a record as the runtime would publish it. */
  ofRecord(record: SourceRecord): string {
    let payload: string;
    if (this.#payloadBlind.has(record.topic)) payload = '*';
    else {
      try {
        payload = digest(encodeWithoutSchema(record.payload, record.topic));
      } catch {
        payload = '!unencodable';
      }
    }
    return join(record.topic, record.key, record.attributes, payload);
  }

  /** Fingerprint of a stored message. */
  ofStored(message: StoredMessage): string {
    const topic = baseTopic(message.topic);
    const payload = this.#payloadBlind.has(topic) ? '*' : digest(message.payload);
    return join(topic, message.key, message.attributes, payload);
  }
}

/** `/ns/t-part-3` → `/ns/t`. */
export function baseTopic(topic: string): string {
  return parsePartitionTopic(topic)?.topic ?? topic;
}

function digest(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64');
}

function join(
  topic: string,
  key: string | undefined,
  attributes: Readonly<Record<string, string>>,
  payload: string,
): string {
  const attrs = Object.keys(attributes)
    .sort()
    .map((k) => [k, attributes[k]]);
  return JSON.stringify([topic, key ?? null, attrs, payload]);
}
