import {
  type AnySchema,
  type KeyPath,
  formatPath,
  isTable,
  objectInfo,
  unwrapField,
} from './zod-walk.js';

/** A field that an environment variable may override (`.meta({ env })`). */
export interface EnvField {
  readonly path: KeyPath;
  readonly env: string;
  readonly secret: boolean;
  /** Innermost schema of the field, used to turn the variable's text into a number or boolean. */
  readonly base: AnySchema;
}

/**
 * Every field of `shape` (nested tables included) declaring an environment variable. Arrays
 * are not entered: routes and schemas never come from the environment.
 */
export function envFields(
  shape: Readonly<Record<string, AnySchema>>,
  path: KeyPath = [],
): EnvField[] {
  const fields: EnvField[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const { base, meta } = unwrapField(schema);
    const fieldPath = [...path, key];
    if (meta.env !== undefined) {
      fields.push({ path: fieldPath, env: meta.env, secret: meta.secret === true, base });
      continue;
    }
    const object = objectInfo(base);
    if (object !== undefined) fields.push(...envFields(object.shape, fieldPath));
  }
  return fields;
}

function coerce(text: string, base: AnySchema): unknown {
  const type = base._zod.def.type;
  if (type === 'number' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) {
    return Number(text);
  }
  if (type === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
  }
  return text;
}

/**
 * Writes the values of the declared environment variables into the parsed file (in place),
 * creating missing tables. A variable that is unset or empty leaves the file's value alone.
 *
 * @returns formatted key path → name of the variable that supplied it (for error messages).
 */
export function applyEnvOverrides(
  root: Record<string, unknown>,
  fields: readonly EnvField[],
  env: Readonly<Record<string, string | undefined>>,
): Map<string, string> {
  const sources = new Map<string, string>();
  for (const field of fields) {
    const text = env[field.env];
    if (text === undefined || text === '') continue;
    let table: Record<string, unknown> | undefined = root;
    const parents = field.path.slice(0, -1);
    for (const key of parents) {
      const next: unknown = table[key];
      if (next === undefined) {
        const created: Record<string, unknown> = {};
        table[key] = created;
        table = created;
      } else if (isTable(next)) {
        table = next;
      } else {
        // The file has something else there: validation reports its type.
        table = undefined;
        break;
      }
    }
    if (table === undefined) continue;
    table[String(field.path[field.path.length - 1])] = coerce(text, field.base);
    sources.set(formatPath(field.path), field.env);
  }
  return sources;
}
