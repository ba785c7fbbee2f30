import { z } from 'zod';

/** A zod schema of any kind (classic or core). */
export type AnySchema = z.core.$ZodType;

/** Metadata a settings field may carry: `z.string().meta({ env: 'API_KEY', secret: true })`. */
export interface FieldMeta {
  /** Environment variable that overrides the value from the file. */
  env?: string;
  /** The value is a secret: redacted from logs, errors and endpoints. */
  secret?: boolean;
  description?: string;
  /** How docs/configuration.md names the field's type, where its JSON Schema says too little. */
  label?: string;
}

/** A key path inside the configuration: `['schemas', 1, 'topic']`. */
export type KeyPath = ReadonlyArray<string | number>;

const SIMPLE_KEY = /^[A-Za-z0-9_-]+$/;

/** `schemas[1].version_strategy`; keys that need it are quoted as in TOML (`a."b.c"`). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      continue;
    }
    const key = String(segment);
    const text = SIMPLE_KEY.test(key) ? key : JSON.stringify(key);
    out += out === '' ? text : `.${text}`;
  }
  return out;
}

/** The schema one wrapper layer down (optional, default, pipe input…), or undefined. */
function innerOf(schema: AnySchema): AnySchema | undefined {
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return (def as z.core.$ZodOptionalDef).innerType;
    case 'pipe':
      return (def as z.core.$ZodPipeDef).in;
    case 'lazy':
      return (def as z.core.$ZodLazyDef).getter();
    default:
      return undefined;
  }
}

/**
 * Peels wrappers off a field schema. Returns the innermost schema and the metadata found on
 * the way (outer layers win), so `.meta()` works before or after `.optional()`.
 */
export function unwrapField(schema: AnySchema): { base: AnySchema; meta: FieldMeta } {
  const layers: AnySchema[] = [];
  let current: AnySchema | undefined = schema;
  while (current !== undefined && layers.length < 32) {
    layers.push(current);
    current = innerOf(current);
  }
  const base = layers[layers.length - 1] ?? schema;
  const meta: FieldMeta = {};
  // Innermost first, so metadata on outer layers overrides it.
  for (const layer of [...layers].reverse()) {
    const found = z.globalRegistry.get(layer);
    if (found === undefined) continue;
    if (typeof found.env === 'string') meta.env = found.env;
    if (typeof found.secret === 'boolean') meta.secret = found.secret;
    if (typeof found.description === 'string') meta.description = found.description;
  }
  return { base, meta };
}

/** How an object schema treats keys it does not declare. */
export type UnknownKeyMode = 'strip' | 'strict' | 'loose';

/** Shape and unknown-key mode of an object schema, or undefined for other schemas. */
export function objectInfo(
  schema: AnySchema,
): { shape: Readonly<Record<string, AnySchema>>; mode: UnknownKeyMode } | undefined {
  const def = schema._zod.def;
  if (def.type !== 'object') return undefined;
  const objectDef = def as z.core.$ZodObjectDef;
  const catchall = objectDef.catchall?._zod.def.type;
  const mode: UnknownKeyMode =
    catchall === undefined ? 'strip' : catchall === 'never' ? 'strict' : 'loose';
  return { shape: objectDef.shape, mode };
}

/** Element schema of an array schema, or undefined. */
export function arrayElement(schema: AnySchema): AnySchema | undefined {
  const def = schema._zod.def;
  return def.type === 'array' ? (def as z.core.$ZodArrayDef).element : undefined;
}

/** Options of a union schema, or undefined. */
export function unionOptions(schema: AnySchema): readonly AnySchema[] | undefined {
  const def = schema._zod.def;
  return def.type === 'union' ? (def as z.core.$ZodUnionDef).options : undefined;
}

/** Plain objects as TOML tables parse (not arrays, not dates). */
export function isTable(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}
