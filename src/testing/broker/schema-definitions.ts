import { createHash } from 'node:crypto';
import avro from 'avsc';
import type { Type as AvroType } from 'avsc';
import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { canonicalSchemaType, type SchemaTypeName } from '../../client/schema-type.js';
import { DanubeConnectError } from '../../errors.js';

const addFormats = addFormatsModule.default;

/** A registered definition, parsed once. */
export interface ParsedSchema {
  type: SchemaTypeName;
  /** The raw definition text ('' for string/bytes/number). */
  raw: string;
  /** `sha256:<hex>` of the canonical definition; plain type name for string/bytes/number. */
  fingerprint: string;
  /** Parsed JSON of a json_schema or avro definition. */
  json?: unknown;
}

/** Maps a schema type string (and the real broker's aliases) to its canonical name. */
export function normalizeSchemaType(text: string): SchemaTypeName | undefined {
  switch (canonicalSchemaType(text.toLowerCase())) {
    case 'bytes':
      return 'bytes';
    case 'string':
      return 'string';
    case 'number':
    case 'int64':
    case 'int':
    case 'float':
    case 'double':
      return 'number';
    case 'avro':
      return 'avro';
    case 'json_schema':
      return 'json_schema';
    case 'protobuf':
    case 'proto':
      return 'protobuf';
    default:
      return undefined;
  }
}

/** JSON text with object keys sorted, as serde_json prints a parsed value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function utf8(bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new DanubeConnectError(
      'schema',
      `Invalid UTF-8 in ${what}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DanubeConnectError('schema', `Invalid JSON in ${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Parses a definition as RegisterSchema / CheckCompatibility receive it (the raw file
 * contents); throws an Error with the real broker's wording when it is not valid.
 */
export function parseSchema(schemaType: string, bytes: Buffer): ParsedSchema {
  const type = normalizeSchemaType(schemaType);
  if (type === undefined)
    throw new DanubeConnectError('schema', `Unknown schema type: ${schemaType}`);
  switch (type) {
    case 'bytes':
    case 'string':
    case 'number':
      return { type, raw: '', fingerprint: type };
    case 'json_schema': {
      const raw = utf8(bytes, 'JSON schema');
      const json = parseJsonText(raw, 'schema');
      try {
        jsonValidator(json);
      } catch (error) {
        throw new DanubeConnectError('schema', `Invalid JSON Schema: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return { type, raw, json, fingerprint: sha256(canonicalJson(json)) };
    }
    case 'avro': {
      const raw = utf8(bytes, 'Avro schema');
      let json: unknown;
      try {
        json = JSON.parse(raw) as unknown;
      } catch {
        // a bare primitive name must be a JSON string (`"string"`), as for the real broker
        throw new DanubeConnectError(
          'schema',
          'Invalid Avro schema: Failed to parse schema from JSON',
        );
      }
      let parsed: AvroType;
      try {
        parsed = avroType(json);
      } catch (error) {
        throw new DanubeConnectError('schema', `Invalid Avro schema: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return { type, raw, json, fingerprint: sha256(canonicalJson(parsed.schema())) };
    }
    case 'protobuf': {
      const raw = utf8(bytes, 'protobuf schema');
      return { type, raw, fingerprint: sha256(raw) };
    }
  }
}

/**
 * The definition as GetSchema / GetLatestSchema return it: the real broker's serde form of
 * its `SchemaDefinition` enum, e.g. `{"JsonSchema":{"raw_schema":"…","fingerprint":"sha256:…"}}`,
 * `{"Avro":{…}}`, `{"Protobuf":{"raw_proto":"…","message_name":"DefaultMessage","fingerprint":"…"}}`,
 * and the JSON strings `"String"`, `"Bytes"`, `"Number"`.
 */
export function wrapDefinition(schema: ParsedSchema): Buffer {
  let wrapped: unknown;
  switch (schema.type) {
    case 'bytes':
      wrapped = 'Bytes';
      break;
    case 'string':
      wrapped = 'String';
      break;
    case 'number':
      wrapped = 'Number';
      break;
    case 'json_schema':
      wrapped = { JsonSchema: { raw_schema: schema.raw, fingerprint: schema.fingerprint } };
      break;
    case 'avro':
      wrapped = { Avro: { raw_schema: schema.raw, fingerprint: schema.fingerprint } };
      break;
    case 'protobuf':
      wrapped = {
        Protobuf: {
          raw_proto: schema.raw,
          message_name: 'DefaultMessage',
          fingerprint: schema.fingerprint,
        },
      };
      break;
  }
  return Buffer.from(JSON.stringify(wrapped));
}

const AJV_OPTIONS: AjvOptions = { strict: false, logger: false, allErrors: true };
const jsonValidators = new WeakMap<object, ValidateFunction>();

/** A compiled ajv validator for a JSON Schema (draft from `$schema`, default draft-07). */
export function jsonValidator(schema: unknown): ValidateFunction {
  if (typeof schema === 'boolean') return compileJson(schema);
  if (schema === null || typeof schema !== 'object') {
    throw new DanubeConnectError('schema', 'a JSON Schema must be an object or a boolean');
  }
  const cached = jsonValidators.get(schema);
  if (cached) return cached;
  const compiled = compileJson(schema);
  jsonValidators.set(schema, compiled);
  return compiled;
}

function compileJson(schema: object | boolean): ValidateFunction {
  const uri = typeof schema === 'object' ? (schema as { $schema?: unknown }).$schema : undefined;
  const text = typeof uri === 'string' ? uri : '';
  // A fresh instance per schema: versions of one subject often share an $id.
  const ajv = text.includes('2020-12')
    ? new Ajv2020(AJV_OPTIONS)
    : text.includes('2019-09')
      ? new Ajv2019(AJV_OPTIONS)
      : new Ajv(AJV_OPTIONS);
  addFormats(ajv);
  return ajv.compile(schema);
}

const avroTypes = new WeakMap<object, AvroType>();

/** The avsc type of an Avro schema (JSON value or primitive name). */
export function avroType(schema: unknown): AvroType {
  if (schema !== null && typeof schema === 'object') {
    const cached = avroTypes.get(schema);
    if (cached) return cached;
    const type = avro.Type.forSchema(schema as avro.Schema);
    avroTypes.set(schema, type);
    return type;
  }
  return avro.Type.forSchema(schema as avro.Schema);
}
