import { avroType, type ParsedSchema } from './schema-definitions.js';

/** Compatibility modes of a subject (wire strings). */
export type CompatibilityMode = 'none' | 'backward' | 'forward' | 'full';

/** Outcome of a compatibility check; `errors` explain an incompatibility. */
export interface CompatibilityResult {
  compatible: boolean;
  errors: string[];
}

/** Parses a mode string case-insensitively, as the real broker does. */
export function parseCompatibilityMode(text: string): CompatibilityMode | undefined {
  const mode = text.toLowerCase();
  return mode === 'none' || mode === 'backward' || mode === 'forward' || mode === 'full'
    ? mode
    : undefined;
}

/**
 * Checks `next` against `previous` (the subject's latest version) in `mode`.
 * backward: `next` can read data written with `previous`; forward: `previous` can read
 * data written with `next`; full: both (backward reasons reported first, as the real broker).
 */
export function checkCompatibility(
  previous: ParsedSchema,
  next: ParsedSchema,
  mode: CompatibilityMode,
): CompatibilityResult {
  if (mode === 'none') return ok();
  if (previous.type !== next.type) {
    return fail(['Schema types must match (cannot change from Avro to JSON, etc.)']);
  }
  const check =
    previous.type === 'json_schema' ? jsonCheck : previous.type === 'avro' ? avroCheck : undefined;
  if (!check) return ok();
  if (mode === 'backward' || mode === 'full') {
    const backward = check(previous, next, 'backward');
    if (!backward.compatible || mode === 'backward') return backward;
  }
  return check(previous, next, 'forward');
}

function ok(): CompatibilityResult {
  return { compatible: true, errors: [] };
}

function fail(errors: string[]): CompatibilityResult {
  return { compatible: errors.length === 0, errors };
}

function avroCheck(
  previous: ParsedSchema,
  next: ParsedSchema,
  direction: 'backward' | 'forward',
): CompatibilityResult {
  const oldType = avroType(previous.json);
  const newType = avroType(next.json);
  try {
    if (direction === 'backward') newType.createResolver(oldType);
    else oldType.createResolver(newType);
    return ok();
  } catch (error) {
    const label = direction === 'backward' ? 'Backward' : 'Forward';
    return fail([`${label} incompatible: ${(error as Error).message}`]);
  }
}

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

function propertiesOf(schema: unknown): JsonObject {
  return asObject(asObject(schema)?.['properties']) ?? {};
}

function requiredOf(schema: unknown): string[] {
  const required = asObject(schema)?.['required'];
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
}

function typeText(schema: unknown): string | undefined {
  const type = asObject(schema)?.['type'];
  return type === undefined ? undefined : JSON.stringify(type);
}

function enumValues(schema: unknown): string[] | undefined {
  const values = asObject(schema)?.['enum'];
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)) : undefined;
}

function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * Practical JSON Schema rules (top-level properties), a superset of the real broker's:
 * backward refuses removing a required field, making an optional field required, adding
 * a required field without a default, changing a field's type, narrowing an enum; forward
 * refuses adding a required field, dropping or relaxing a required field, changing a type,
 * widening an enum.
 */
function jsonCheck(
  previous: ParsedSchema,
  next: ParsedSchema,
  direction: 'backward' | 'forward',
): CompatibilityResult {
  const label = direction === 'backward' ? 'Backward incompatible' : 'Forward incompatible';
  const oldProps = propertiesOf(previous.json);
  const newProps = propertiesOf(next.json);
  const oldRequired = requiredOf(previous.json);
  const newRequired = requiredOf(next.json);
  const errors: string[] = [];

  const oldRoot = typeText(previous.json);
  const newRoot = typeText(next.json);
  if (oldRoot !== undefined && newRoot !== undefined && oldRoot !== newRoot) {
    errors.push(`${label}: changed root type from ${oldRoot} to ${newRoot}`);
  }

  if (direction === 'backward') {
    for (const field of oldRequired) {
      if (!has(newProps, field)) errors.push(`${label}: removed required field '${field}'`);
    }
    for (const field of newRequired) {
      if (has(oldProps, field) && !oldRequired.includes(field)) {
        errors.push(`${label}: made optional field '${field}' required`);
      } else if (!has(oldProps, field) && asObject(newProps[field])?.['default'] === undefined) {
        errors.push(`${label}: added new required field '${field}' without a default`);
      }
    }
  } else {
    for (const field of newRequired) {
      if (!has(oldProps, field)) errors.push(`${label}: added new required field '${field}'`);
    }
    for (const field of oldRequired) {
      if (!has(newProps, field)) errors.push(`${label}: removed required field '${field}'`);
      else if (!newRequired.includes(field)) {
        errors.push(`${label}: made required field '${field}' optional`);
      }
    }
  }

  for (const [field, oldProp] of Object.entries(oldProps)) {
    if (!has(newProps, field)) continue;
    const newProp = newProps[field];
    const oldType = typeText(oldProp);
    const newType = typeText(newProp);
    if (oldType !== undefined && newType !== undefined && oldType !== newType) {
      errors.push(`${label}: changed type of field '${field}'`);
    }
    const oldEnum = enumValues(oldProp);
    const newEnum = enumValues(newProp);
    if (oldEnum && newEnum) {
      const [reader, writer] = direction === 'backward' ? [newEnum, oldEnum] : [oldEnum, newEnum];
      const missing = writer.filter((v) => !reader.includes(v));
      if (missing.length > 0) {
        const what = direction === 'backward' ? 'narrowed' : 'widened';
        errors.push(`${label}: ${what} enum of field '${field}' (${missing.join(', ')})`);
      }
    }
  }
  return fail(errors);
}
