import type { RecordPayload } from './payload.js';
import { asBuffer, assertFiniteNumbers, jsonText, utf8Bytes } from './payload-values.js';
import type { CodecContext } from './types.js';

/**
 * Serializes a payload for a topic without a schema (and for `bytes` topics):
 * json → JSON text, string → UTF-8, number → JSON number text, bytes → as is.
 *
 * @param topic named in errors
 * @throws {@link SchemaValidationError} (kind `schema`) for NaN / ±Infinity anywhere in the
 *   value, and for strings with lone surrogates
 *
 * @example
 * ```ts
 * encodeWithoutSchema({ kind: 'number', value: 42.5 }); // Buffer "42.5"
 * ```
 */
export function encodeWithoutSchema(payload: RecordPayload, topic = '(no topic)'): Buffer {
  return encodeAsIs(payload, { topic });
}

/** {@link encodeWithoutSchema} with a full context for messages (used by the `bytes` codec). */
export function encodeAsIs(payload: RecordPayload, context: CodecContext): Buffer {
  switch (payload.kind) {
    case 'bytes':
      return asBuffer(payload.value);
    case 'string':
      return utf8Bytes(payload.value, context);
    case 'number':
    case 'json':
      assertFiniteNumbers(payload.value, context);
      return Buffer.from(jsonText(payload.value, context), 'utf8');
  }
}
