import { decodeBase64 } from '../schema/base64.js';
import type { JsonValue, RecordPayload } from '../schema/payload.js';
import { ConnectorError } from './errors.js';
import { assertWellFormed, toJsonValue } from './json-value.js';

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

function assertTopic(topic: string): void {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw ConnectorError.invalidData(
      'a record needs a destination topic such as "/default/events"',
    );
  }
}

/**
 * One message for Danube: destination topic, typed payload, optional routing key and
 * attributes. Immutable: `withKey` / `withAttribute(s)` return copies. The runtime turns the
 * payload into bytes with the topic's schema (JSON validated, Avro, number, string, bytes).
 *
 * @example
 * ```ts
 * const record = SourceRecord.from('/iot/sensors', { id: 'a1', temp: 21.5 })
 *   .withKey('a1')                       // same key → same partition, in order
 *   .withAttribute('source', 'mqtt');
 * ```
 */
export class SourceRecord {
  /** Destination Danube topic, `/namespace/name`. */
  readonly topic: string;
  /** The typed content; serialized by the runtime according to the topic's schema. */
  readonly payload: RecordPayload;
  /** Routing key: picks the partition and reaches consumers as the message key. */
  readonly key: string | undefined;
  /** String attributes (message properties) that reach consumers unchanged. */
  readonly attributes: Readonly<Record<string, string>>;

  private constructor(
    topic: string,
    payload: RecordPayload,
    key: string | undefined,
    attributes: Readonly<Record<string, string>>,
  ) {
    this.topic = topic;
    this.payload = payload;
    this.key = key;
    this.attributes = attributes;
    Object.freeze(this);
  }

  private static unkeyed(topic: string, payload: RecordPayload): SourceRecord {
    return new SourceRecord(topic, payload, undefined, NO_ATTRIBUTES);
  }

  /**
   * A JSON value record (Rust `SourceRecord::new`). The value is copied; NaN, ±Infinity,
   * BigInt and cycles are refused with `ConnectorError.invalidData`.
   *
   * @example
   * ```ts
   * SourceRecord.json('/events/users', { user: 'ada', action: 'login' });
   * ```
   */
  static json(topic: string, value: JsonValue): SourceRecord {
    return SourceRecord.from(topic, value);
  }

  /**
   * A record from any serializable object (Rust `SourceRecord::from_json`): class instances,
   * `Date` (via `toJSON`), nested arrays. Refuses with `ConnectorError.invalidData`, naming the
   * path, what JSON cannot carry faithfully: BigInt, NaN / ±Infinity, cycles, Map / Set.
   *
   * @example
   * ```ts
   * SourceRecord.from('/orders/created', { id: 7, at: new Date(), items: [{ sku: 'x' }] });
   * ```
   */
  static from(topic: string, object: unknown): SourceRecord {
    assertTopic(topic);
    return SourceRecord.unkeyed(topic, { kind: 'json', value: toJsonValue(object, topic) });
  }

  /**
   * A text record (UTF-8 on the wire). Strings with lone surrogates are refused.
   *
   * @example
   * ```ts
   * SourceRecord.string('/logs/app', 'GET /health 200');
   * ```
   */
  static string(topic: string, text: string): SourceRecord {
    assertTopic(topic);
    if (typeof text !== 'string') {
      throw ConnectorError.invalidData(
        `record for ${topic}: SourceRecord.string needs a string, got ${typeof text}`,
      );
    }
    assertWellFormed(text, `record for ${topic}`);
    return SourceRecord.unkeyed(topic, { kind: 'string', value: text });
  }

  /**
   * A numeric record (Rust `SourceRecord::from_number`); NaN and ±Infinity are refused.
   *
   * @example
   * ```ts
   * SourceRecord.number('/metrics/cpu', 0.73);
   * ```
   */
  static number(topic: string, value: number): SourceRecord {
    assertTopic(topic);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw ConnectorError.invalidData(
        `record for ${topic}: ${String(value)} is not a finite number`,
      );
    }
    return SourceRecord.unkeyed(topic, { kind: 'number', value });
  }

  /**
   * A raw bytes record, sent unchanged. The bytes are not copied: do not modify them
   * after handing the record over.
   *
   * @example
   * ```ts
   * SourceRecord.bytes('/images/raw', await readFile('frame.jpg'));
   * ```
   */
  static bytes(topic: string, data: Uint8Array): SourceRecord {
    assertTopic(topic);
    if (!(data instanceof Uint8Array)) {
      throw ConnectorError.invalidData(
        `record for ${topic}: SourceRecord.bytes needs a Uint8Array`,
      );
    }
    return SourceRecord.unkeyed(topic, { kind: 'bytes', value: data });
  }

  /**
   * A bytes record from base64 text (standard or URL-safe alphabet), as the Rust runtime
   * accepts for bytes topics. Malformed base64 is refused rather than half-decoded.
   *
   * @example
   * ```ts
   * SourceRecord.base64('/images/raw', 'aGVsbG8=');
   * ```
   */
  static base64(topic: string, text: string): SourceRecord {
    assertTopic(topic);
    const bytes = typeof text === 'string' ? decodeBase64(text) : undefined;
    if (bytes === undefined) {
      throw ConnectorError.invalidData(`record for ${topic}: the text is not valid base64`);
    }
    return SourceRecord.unkeyed(topic, { kind: 'bytes', value: new Uint8Array(bytes) });
  }

  /**
   * A copy with a routing key: records with the same key go to the same partition, in order,
   * and consumers see it as the message key.
   *
   * @example
   * ```ts
   * record.withKey(`device-${deviceId}`);
   * ```
   */
  withKey(key: string): SourceRecord {
    if (typeof key !== 'string')
      throw ConnectorError.invalidData(`record for ${this.topic}: key must be a string`);
    assertWellFormed(key, `key of a record for ${this.topic}`);
    return new SourceRecord(this.topic, this.payload, key, this.attributes);
  }

  /**
   * A copy with one more attribute (replacing one of the same name).
   *
   * @example
   * ```ts
   * record.withAttribute('source', 'postgres');
   * ```
   */
  withAttribute(name: string, value: string): SourceRecord {
    return this.withAttributes({ [name]: value });
  }

  /**
   * A copy with several more attributes (replacing those of the same names).
   *
   * @example
   * ```ts
   * record.withAttributes({ table: 'orders', op: 'insert' });
   * ```
   */
  withAttributes(attributes: Readonly<Record<string, string>>): SourceRecord {
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value !== 'string') {
        throw ConnectorError.invalidData(
          `record for ${this.topic}: attribute "${name}" must be a string, got ${typeof value}`,
        );
      }
      assertWellFormed(name, `attribute name of a record for ${this.topic}`);
      assertWellFormed(value, `attribute "${name}" of a record for ${this.topic}`);
    }
    const merged = Object.freeze({ ...this.attributes, ...attributes });
    return new SourceRecord(this.topic, this.payload, this.key, merged);
  }
}
