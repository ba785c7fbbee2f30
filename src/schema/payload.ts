/** Any value JSON can represent. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The typed content of a record, before the runtime serializes it for its topic's schema.
 * Connectors build it through `SourceRecord` constructors; the schema layer turns it into bytes.
 */
export type RecordPayload =
  | { kind: 'json'; value: JsonValue }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bytes'; value: Uint8Array };
