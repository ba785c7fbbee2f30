import type { SchemaTypeName, WireFormat } from '../config/types.js';
import type { RecordPayload } from './payload.js';

// Declared once, by the config that sets them; the schema layer reads the same values.
export type { SchemaTypeName, VersionStrategy, WireFormat } from '../config/types.js';

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
  readonly schemaType: SchemaTypeName;
  readonly wireFormat: WireFormat;
  /**
   * Validates and serializes one payload.
   * @throws {@link SchemaValidationError} (kind `schema`) naming topic, subject, version and the failing path.
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
  schemaType: SchemaTypeName;
  wireFormat: WireFormat;
  /** The resolved version's definition as the registry holds it (unwrapped; '' for string/bytes/number). */
  definition: string;
  codec: PayloadCodec;
}
