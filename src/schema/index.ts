/**
 * The schema layer: loads and checks schema files, resolves `[[schemas]]` entries against the
 * registry and serializes record payloads per schema type and wire format.
 * @module
 */
export type { JsonValue, RecordPayload } from './payload.js';
export type {
  CodecContext,
  PayloadCodec,
  ResolvedSchema,
  SchemaTypeName,
  VersionStrategy,
  WireFormat,
} from './types.js';
export { SchemaError, SchemaValidationError } from './errors.js';
export { codecFor } from './codecs.js';
export { encodeWithoutSchema } from './without-schema.js';
export { decodePayload, type DecodeOptions } from './decode.js';
export {
  SchemaResolver,
  resolveSchemas,
  producerSchemaReference,
  type SchemaResolverOptions,
} from './resolver.js';
export type {
  RegistrySchemaInfo,
  SchemaEntryConfig,
  SchemaLayerConfig,
  SchemaRegistryApi,
} from './registry-api.js';
export { loadSchemaFile, schemaFileCandidates, type LoadedSchemaFile } from './schema-file.js';
export {
  compileJsonSchema,
  type JsonSchemaDraft,
  type JsonSchemaValidator,
  type ValidationProblem,
} from './json-schema-validator.js';
export {
  AvroContainerWriter,
  isAvroContainer,
  parseAvroSchema,
  readAvroContainer,
  type AvroContainerContents,
  type ParsedAvroSchema,
} from './avro.js';
export { formatPath } from './json-path.js';
