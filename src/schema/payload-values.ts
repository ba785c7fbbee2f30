import type { CodecContext } from './types.js';
import { SchemaValidationError } from './errors.js';
import { findNonFiniteNumber, formatPath, LONE_SURROGATE, type PathSegment } from './json-path.js';
import type { RecordPayload } from './payload.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A `SchemaValidationError` for `context` at `segments`. */
export function invalid(
  context: CodecContext,
  segments: readonly PathSegment[],
  reason: string,
  cause?: unknown,
): SchemaValidationError {
  return new SchemaValidationError(
    context,
    formatPath(segments),
    reason,
    cause === undefined ? {} : { cause },
  );
}

/** `a json object`, `a string payload`, … for messages about payload kinds. */
export function describePayload(payload: RecordPayload): string {
  if (payload.kind !== 'json') return `a ${payload.kind} payload`;
  const value = payload.value;
  if (value === null) return 'a json null';
  if (Array.isArray(value)) return 'a json array';
  return `a json ${typeof value}`;
}

/** Views bytes as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** UTF-8 bytes of `text`; refuses lone surrogates rather than replacing them with U+FFFD. */
export function utf8Bytes(text: string, context: CodecContext): Buffer {
  if (LONE_SURROGATE.test(text)) {
    throw invalid(context, [], 'string contains a lone UTF-16 surrogate, which UTF-8 cannot carry');
  }
  return Buffer.from(text, 'utf8');
}

/** Decodes strict UTF-8 (no replacement characters); throws `invalid_data` otherwise. */
export function decodeUtf8(bytes: Uint8Array, context: CodecContext): string {
  try {
    return UTF8.decode(bytes);
  } catch (err) {
    throw invalid(context, [], 'bytes payload is not valid UTF-8', err);
  }
}

/** Refuses NaN / ±Infinity anywhere inside `value` (JSON would turn them into null). */
export function assertFiniteNumbers(value: unknown, context: CodecContext): void {
  const found = findNonFiniteNumber(value);
  if (found !== undefined) {
    throw invalid(
      context,
      found.segments,
      `${String(found.value)} is not a finite number (JSON cannot carry NaN or Infinity)`,
    );
  }
}

/** JSON text of a value already checked for non-finite numbers; cycles and BigInt become `invalid_data`. */
export function jsonText(value: unknown, context: CodecContext): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw invalid(context, [], `cannot be serialized as JSON: ${(err as Error).message}`, err);
  }
  if (text === undefined) throw invalid(context, [], 'cannot be serialized as JSON (undefined)');
  return text;
}

/**
 * The JSON value a payload stands for on a structured (json_schema / avro) topic:
 * json → its value; string → a JSON string; number → a JSON number; bytes → parsed as UTF-8
 * JSON text (`raw` keeps the original bytes so they are sent unchanged, big integers included).
 */
export function structuredValue(
  payload: RecordPayload,
  context: CodecContext,
): { value: unknown; raw?: Buffer } {
  switch (payload.kind) {
    case 'json':
      assertFiniteNumbers(payload.value, context);
      return { value: payload.value };
    case 'number':
      assertFiniteNumbers(payload.value, context);
      return { value: payload.value };
    case 'string':
      return { value: payload.value };
    case 'bytes': {
      const text = decodeUtf8(payload.value, context);
      try {
        return { value: JSON.parse(text) as unknown, raw: asBuffer(payload.value) };
      } catch (err) {
        throw invalid(
          context,
          [],
          `bytes payload is not JSON text: ${(err as Error).message}`,
          err,
        );
      }
    }
  }
}
