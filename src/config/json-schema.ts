import { z } from 'zod';
import { coreShape } from './core-schema.js';
import type { SettingsSchema } from './parse.js';

/** A JSON Schema document (draft 2020-12). */
export type JsonSchemaDocument = Record<string, unknown>;

function toDocument(schema: z.ZodObject, title: string): JsonSchemaDocument {
  // `input`: the schema of what is written in the file (defaults optional, aliases allowed).
  const document = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return { ...document, title };
}

/**
 * JSON Schema of the core keys, for editors (e.g. Even Better TOML / taplo `#:schema`).
 * Other root keys are allowed: they belong to the connector.
 */
export function coreConfigJsonSchema(): JsonSchemaDocument {
  return toDocument(z.object(coreShape), 'danube-connect-core connector configuration');
}

/** JSON Schema of a whole connector file: the core keys plus the connector's own. */
export function connectorConfigJsonSchema(
  settings: SettingsSchema,
  title = 'Connector configuration',
): JsonSchemaDocument {
  return toDocument(z.object({ ...coreShape, ...settings.shape }), title);
}
