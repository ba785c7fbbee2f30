/**
 * A schema type of the Danube schema registry, by its wire name. Declared once: the client,
 * the `[[schemas]]` configuration and the embedded broker all use it (`protobuf` is known to
 * the registry; connectors cannot use it yet).
 */
export type SchemaTypeName = 'json_schema' | 'avro' | 'protobuf' | 'string' | 'bytes' | 'number';

// A record, so that a type added to the union and not here fails to compile.
const NAMES: Readonly<Record<SchemaTypeName, true>> = {
  json_schema: true,
  avro: true,
  protobuf: true,
  string: true,
  bytes: true,
  number: true,
};

/** The schema types of the Danube schema registry, by their wire names. */
export const SCHEMA_TYPE_NAMES = Object.keys(NAMES) as readonly SchemaTypeName[];

/**
 * The registry's name for a schema type as the Rust ecosystem writes it: `"json"` is
 * `json_schema`; every other name is itself. The one place this alias is mapped.
 */
export function canonicalSchemaType<T extends string>(name: T): Exclude<T, 'json'> | 'json_schema' {
  return (name === 'json' ? 'json_schema' : name) as Exclude<T, 'json'> | 'json_schema';
}
