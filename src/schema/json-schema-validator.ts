import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SchemaError } from './errors.js';
import { pointerToSegments, type PathSegment } from './json-path.js';

const addFormats = addFormatsModule.default;

/** The JSON Schema drafts this SDK validates with. */
export type JsonSchemaDraft = 'draft-07' | '2019-09' | '2020-12';

/** Where and why a value failed validation. */
export interface ValidationProblem {
  segments: PathSegment[];
  message: string;
}

/** A JSON Schema compiled once; `validate` is cheap and returns the first problem found. */
export interface JsonSchemaValidator {
  readonly draft: JsonSchemaDraft;
  validate(value: unknown): ValidationProblem | undefined;
}

const AJV_OPTIONS: Options = {
  allErrors: false,
  // User schemas often carry extra keywords (x-*, editor hints); the Rust side ignores them too.
  strict: false,
  logger: false,
  validateFormats: true,
};

/** Picks the draft from `$schema`: none or draft-07 → draft-07; 2019-09 and 2020-12 by their URIs. */
function jsonSchemaDraft(schema: unknown, source: string): JsonSchemaDraft {
  const uri =
    schema !== null && typeof schema === 'object' && '$schema' in schema
      ? schema.$schema
      : undefined;
  if (uri === undefined) return 'draft-07';
  if (typeof uri !== 'string')
    throw new SchemaError(`${source}: invalid JSON Schema: "$schema" must be a string`);
  if (/json-schema\.org\/draft-07\/schema/.test(uri)) return 'draft-07';
  if (/json-schema\.org\/draft\/2019-09\/schema/.test(uri)) return '2019-09';
  if (/json-schema\.org\/draft\/2020-12\/schema/.test(uri)) return '2020-12';
  throw new SchemaError(
    `${source}: unsupported JSON Schema version "$schema": "${uri}" (supported: draft-07, 2019-09, 2020-12)`,
  );
}

function createAjv(draft: JsonSchemaDraft): Ajv {
  const ajv =
    draft === '2020-12'
      ? new Ajv2020(AJV_OPTIONS)
      : draft === '2019-09'
        ? new Ajv2019(AJV_OPTIONS)
        : new Ajv(AJV_OPTIONS);
  addFormats(ajv);
  return ajv;
}

/**
 * One ajv instance per draft, created on first use: an instance's first compile builds its
 * meta-schema validator (a few hundred ms), later compiles take about a millisecond.
 */
const sharedAjv = new Map<JsonSchemaDraft, Ajv>();

function compileWithSharedAjv(draft: JsonSchemaDraft, schema: object | boolean): ValidateFunction {
  let ajv = sharedAjv.get(draft);
  if (ajv === undefined) {
    ajv = createAjv(draft);
    sharedAjv.set(draft, ajv);
  }
  // Versions of one subject usually share an $id; the instance keeps one schema per $id.
  // Validators compiled earlier keep working after their schema is removed.
  const id = typeof schema === 'object' ? (schema as { $id?: unknown }).$id : undefined;
  if (typeof id === 'string' && ajv.getSchema(id) !== undefined) ajv.removeSchema(id);
  try {
    return ajv.compile(schema);
  } catch (err) {
    if (typeof id === 'string') ajv.removeSchema(id);
    ajv.removeSchema(schema);
    throw err;
  }
}

function describeError(error: ErrorObject, root: unknown): ValidationProblem {
  const segments = pointerToSegments(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        segments: [...segments, String(params['missingProperty'])],
        message: 'is required but missing',
      };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const extra = params['additionalProperty'] ?? params['unevaluatedProperty'];
      return {
        segments: [...segments, String(extra)],
        message: `is not allowed (${error.keyword} is false)`,
      };
    }
    case 'enum':
      return {
        segments,
        message: `must be one of ${JSON.stringify(params['allowedValues'])}`,
      };
    case 'const':
      return { segments, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    default:
      return { segments, message: error.message ?? `fails "${error.keyword}"` };
  }
}

/**
 * Parses and compiles a JSON Schema (draft-07, 2019-09 or 2020-12, picked by `$schema`).
 *
 * @param definition the schema text
 * @param source where the text came from (file path or registry subject/version), for errors
 * @throws {@link SchemaError} when the text is not JSON or not a valid schema
 */
export function compileJsonSchema(definition: string, source: string): JsonSchemaValidator {
  let schema: unknown;
  try {
    schema = JSON.parse(definition);
  } catch (err) {
    throw new SchemaError(
      `${source}: invalid JSON Schema: not valid JSON (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (
    typeof schema !== 'boolean' &&
    (schema === null || typeof schema !== 'object' || Array.isArray(schema))
  ) {
    throw new SchemaError(`${source}: invalid JSON Schema: must be a JSON object or boolean`);
  }
  const draft = jsonSchemaDraft(schema, source);
  let validateFn: ValidateFunction;
  try {
    validateFn = compileWithSharedAjv(draft, schema);
  } catch (err) {
    throw new SchemaError(`${source}: invalid JSON Schema (${draft}): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    draft,
    validate(value: unknown): ValidationProblem | undefined {
      if (validateFn(value)) return undefined;
      const first = validateFn.errors?.[0];
      return first === undefined
        ? { segments: [], message: 'does not match the schema' }
        : describeError(first, value);
    },
  };
}
