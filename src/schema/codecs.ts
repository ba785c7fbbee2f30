import { AvroContainerWriter, findAvroProblem, parseAvroSchema } from './avro.js';
import { decodePayload } from './decode.js';
import { SchemaError } from './errors.js';
import { compileJsonSchema, type ValidationProblem } from './json-schema-validator.js';
import { decodeBase64 } from './base64.js';
import type { PathSegment } from './json-path.js';
import type { JsonValue, RecordPayload } from './payload.js';
import {
  asBuffer,
  assertFiniteNumbers,
  decodeUtf8,
  describePayload,
  invalid,
  jsonText,
  structuredValue,
  utf8Bytes,
} from './payload-values.js';
import type { CodecContext, PayloadCodec, SchemaTypeName, WireFormat } from './types.js';
import { encodeAsIs } from './without-schema.js';

function describeSource(context: CodecContext): string {
  if (context.source !== undefined) return context.source;
  const version = context.version === undefined ? '' : ` v${context.version}`;
  return context.subject === undefined
    ? `schema for ${context.topic}`
    : `subject ${context.subject}${version}`;
}

function decoder(
  schemaType: SchemaTypeName,
  wireFormat: WireFormat,
): (bytes: Uint8Array) => unknown {
  return (bytes) => decodePayload(bytes, { schemaType, wireFormat });
}

/** JSON Schema: the payload's JSON value validated by ajv, sent as JSON text (both wire formats). */
function jsonSchemaCodec(
  definition: string,
  wireFormat: WireFormat,
  context: CodecContext,
): PayloadCodec {
  const validator = compileJsonSchema(definition, describeSource(context));
  return {
    schemaType: 'json_schema',
    wireFormat,
    encode(payload: RecordPayload): Buffer {
      const { value, raw } = structuredValue(payload, context);
      const problem = validator.validate(value);
      if (problem !== undefined) throw invalid(context, problem.segments, problem.message);
      return raw ?? Buffer.from(jsonText(value, context), 'utf8');
    },
    decode: decoder('json_schema', wireFormat),
  };
}

/**
 * Avro: the payload's JSON value checked against the Avro schema; sent as JSON text by default,
 * as an Avro object container with `wire_format = "binary"`.
 */
function avroCodec(
  definition: string,
  wireFormat: WireFormat,
  context: CodecContext,
): PayloadCodec {
  const schema = parseAvroSchema(definition, describeSource(context));
  const writer = wireFormat === 'binary' ? new AvroContainerWriter(schema) : undefined;
  return {
    schemaType: 'avro',
    wireFormat,
    encode(payload: RecordPayload): Buffer {
      const { value, raw } = structuredValue(payload, context);
      const problem: ValidationProblem | undefined = findAvroProblem(schema.type, value);
      if (problem !== undefined) throw invalid(context, problem.segments, problem.message);
      if (writer !== undefined) return writer.write(value);
      return raw ?? Buffer.from(jsonText(value, context), 'utf8');
    },
    decode: decoder('avro', wireFormat),
  };
}

/**
 * Number: a `number` payload or a json payload holding a number. Default: JSON number text
 * (42.5 → `42.5`); binary: 8-byte big-endian IEEE-754 double. Anything else is `invalid_data`.
 */
function numberCodec(wireFormat: WireFormat, context: CodecContext): PayloadCodec {
  const binary = wireFormat === 'binary';
  return {
    schemaType: 'number',
    wireFormat,
    encode(payload: RecordPayload): Buffer {
      const value =
        payload.kind === 'number' || payload.kind === 'json' ? payload.value : undefined;
      if (typeof value !== 'number') {
        throw invalid(
          context,
          [],
          `expected a number for schema type number, got ${describePayload(payload)}`,
        );
      }
      assertFiniteNumbers(value, context);
      if (!binary) return Buffer.from(jsonText(value, context), 'utf8');
      const out = Buffer.allocUnsafe(8);
      out.writeDoubleBE(value, 0);
      return out;
    },
    decode: decoder('number', wireFormat),
  };
}

/**
 * String: a `string` payload or a json payload holding a string, as UTF-8; a `bytes` payload
 * passes when it is valid UTF-8. Any other json value is written as its JSON text, as the Rust
 * runtime does. A `number` payload is refused (`SourceRecord.number` says the topic is
 * numeric), and so are strings with lone surrogates.
 */
function stringCodec(wireFormat: WireFormat, context: CodecContext): PayloadCodec {
  return {
    schemaType: 'string',
    wireFormat,
    encode(payload: RecordPayload): Buffer {
      switch (payload.kind) {
        case 'bytes':
          decodeUtf8(payload.value, context);
          return asBuffer(payload.value);
        case 'string':
          return utf8Bytes(payload.value, context);
        case 'json':
          if (typeof payload.value === 'string') return utf8Bytes(payload.value, context);
          assertFiniteNumbers(payload.value, context);
          return Buffer.from(jsonText(payload.value, context), 'utf8');
        case 'number':
          throw invalid(
            context,
            [],
            `expected a string for schema type string, got ${describePayload(payload)}`,
          );
      }
    },
    decode: decoder('string', wireFormat),
  };
}

/**
 * The bytes a json payload stands for on a bytes topic, as the Rust runtime reads it: a string
 * is base64, and so is the string `data` field of an object — `{ data, encoding: "base64" }`,
 * as the Rust MQTT and webhook connectors wrap non-JSON input; `encoding` is not consulted,
 * as in Rust. Undefined for any other value (written as JSON text).
 */
function base64Content(value: JsonValue, context: CodecContext): Buffer | undefined {
  let text: string;
  let path: PathSegment[];
  if (typeof value === 'string') {
    text = value;
    path = [];
  } else if (isJsonObject(value) && typeof value.data === 'string') {
    text = value.data;
    path = ['data'];
  } else {
    return undefined;
  }
  const bytes = decodeBase64(text);
  if (bytes === undefined) {
    throw invalid(
      context,
      path,
      'is not valid base64 (a JSON string, or the data field of an object, is decoded as base64 on a bytes topic, as in the Rust runtime; send raw bytes with SourceRecord.bytes)',
    );
  }
  return bytes;
}

function isJsonObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Bytes: bytes raw, strings as UTF-8, numbers as JSON text; a json payload is decoded from
 * base64 when it is a string or an object with a string `data` field (see
 * {@link base64Content}), and written as JSON text otherwise.
 */
function bytesCodec(wireFormat: WireFormat, context: CodecContext): PayloadCodec {
  return {
    schemaType: 'bytes',
    wireFormat,
    encode: (payload: RecordPayload): Buffer =>
      (payload.kind === 'json' ? base64Content(payload.value, context) : undefined) ??
      encodeAsIs(payload, context),
    decode: decoder('bytes', wireFormat),
  };
}

/**
 * Compiles the codec of one (topic, schema version). Call once and reuse: compiling parses and
 * checks the definition; `encode` then only validates and serializes.
 *
 * Payload kinds each schema type takes:
 * - json_schema, avro: json; string (as a JSON string); number; bytes (UTF-8 JSON text, parsed,
 *   validated, then sent unchanged in the default format).
 * - number: number, or json holding a number.
 * - string: string, bytes that are valid UTF-8, or json (a string as UTF-8, any other value as
 *   its JSON text, as in the Rust runtime). A number payload is refused.
 * - bytes: anything, as `encodeWithoutSchema` writes it, except json holding a string or an
 *   object with a string `data` field: decoded from base64, as in the Rust runtime.
 *
 * NaN / ±Infinity are refused everywhere; strings with lone surrogates are refused where they
 * would be written as UTF-8 (inside JSON text they are escaped as `\uD800`, which is valid).
 *
 * @param schemaType the subject's type
 * @param definition the unwrapped definition (JSON Schema or Avro text; ignored for string/bytes/number)
 * @param wireFormat `default` or `binary` (see {@link WireFormat})
 * @param context topic, subject, version (and source) named in every error
 * @throws {@link SchemaError} when the definition is invalid, or for `protobuf` (not supported yet)
 *
 * @example
 * ```ts
 * const codec = codecFor('number', '', 'binary', { topic: '/iot/temp' });
 * codec.encode({ kind: 'number', value: 42.5 }); // <40 45 40 00 00 00 00 00>
 * ```
 */
export function codecFor(
  schemaType: SchemaTypeName,
  definition: string,
  wireFormat: WireFormat,
  context: CodecContext,
): PayloadCodec {
  switch (schemaType) {
    case 'json_schema':
      return jsonSchemaCodec(definition, wireFormat, context);
    case 'avro':
      return avroCodec(definition, wireFormat, context);
    case 'number':
      return numberCodec(wireFormat, context);
    case 'string':
      return stringCodec(wireFormat, context);
    case 'bytes':
      return bytesCodec(wireFormat, context);
    case 'protobuf':
      throw new SchemaError(
        `${context.topic}: schema type "protobuf" is not supported yet (use json_schema, avro, string, bytes or number)`,
        { topic: context.topic, subject: context.subject },
      );
  }
}
