import { readAvroContainer } from './avro-container.js';
import { jsonValidator, type ParsedSchema } from './schema-definitions.js';

/**
 * Deep payload check, as the real broker's validators do it: json_schema → JSON valid
 * against the schema; string → valid UTF-8; number → exactly 4 or 8 bytes; avro → an
 * Avro object container whose records read with the schema; bytes → anything (protobuf
 * never gets here: see `validateMessage`).
 * Returns the problem, or undefined when the payload is fine.
 */
export function payloadProblem(schema: ParsedSchema, payload: Buffer): string | undefined {
  switch (schema.type) {
    case 'bytes':
    case 'protobuf':
      return undefined;
    case 'string':
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(payload);
        return undefined;
      } catch (error) {
        return `Invalid UTF-8 string: ${(error as Error).message}`;
      }
    case 'number':
      return payload.length === 4 || payload.length === 8
        ? undefined
        : `Invalid number: expected 4 or 8 bytes, got ${payload.length}`;
    case 'json_schema': {
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as unknown;
      } catch (error) {
        return `Invalid JSON data: ${(error as Error).message}`;
      }
      const validate = jsonValidator(schema.json);
      if (validate(value)) return undefined;
      const errors = (validate.errors ?? []).map(
        (e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? e.keyword}`,
      );
      return `JSON Schema validation failed: ${errors.join(', ')}`;
    }
    case 'avro':
      try {
        readAvroContainer(payload, schema.json);
        return undefined;
      } catch (error) {
        return `Avro validation failed: ${(error as Error).message}`;
      }
  }
}
