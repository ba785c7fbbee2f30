import type { RecordPayload } from './payload.js';

/** Schema types the registry knows. `protobuf` is known but not supported by this SDK yet. */
export type SchemaTypeName = 'json_schema' | 'avro' | 'protobuf' | 'string' | 'bytes' | 'number';

/** Schema types this SDK can serialize. */
export type SupportedSchemaType = Exclude<SchemaTypeName, 'protobuf'>;

/**
 * How payloads go on the wire for a schema entry.
 *
 * - `default`: what the Danube ecosystem reads (Rust sinks, `danube-cli consume`):
 *   json_schema and avro as JSON text, number as JSON number text, string as UTF-8, bytes raw.
 * - `binary`: what the broker's deep payload validation accepts: number as 8-byte big-endian
 *   IEEE-754 double, avro as an Avro object container; the other types are the same as `default`.
 */
export type WireFormat = 'default' | 'binary';

/** Which registered version of a subject to use. */
export type VersionStrategy = 'latest' | { pinned: number } | { minimum: number };

/** Names a compiled codec's topic, subject and version, used in every error message it throws. */
export interface CodecContext {
  topic: string;
  subject?: string;
  version?: number;
  /** Where the definition came from (a file path or `registry subject x v2`), for compile errors. */
  source?: string;
}

/**
 * Serializes record payloads for one (topic, schema version), compiled once and reused.
 * `encode` is the hot path: it validates and serializes without compiling anything.
 */
export interface PayloadCodec {
  readonly schemaType: SupportedSchemaType;
  readonly wireFormat: WireFormat;
  /**
   * Validates and serializes one payload.
   * @throws {@link SchemaValidationError} (kind `invalid_data`) naming topic, subject, version and the failing path.
   */
  encode(payload: RecordPayload): Buffer;
  /** Reads bytes written by {@link PayloadCodec.encode} back into a JS value. */
  decode(bytes: Uint8Array): unknown;
}

/** A `[[schemas]]` entry resolved against the registry, with its compiled codec. */
export interface ResolvedSchema {
  topic: string;
  subject: string;
  /** The subject's schema id (one id per subject, shared by all its versions), u64 as a decimal string. */
  schemaId: string;
  version: number;
  schemaType: SupportedSchemaType;
  wireFormat: WireFormat;
  /** The resolved version's definition as the registry holds it (unwrapped; '' for string/bytes/number). */
  definition: string;
  codec: PayloadCodec;
}
