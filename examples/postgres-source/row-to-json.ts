import type { JsonValue } from 'danube-connect-core';

/**
 * Converts a row from `pg` into JSON: timestamps → ISO-8601 text, `bytea` → base64 text,
 * int8 / numeric stay the decimal strings `pg` returns (no precision lost), json / jsonb and
 * arrays as they are.
 */
export function rowToJson(row: Record<string, unknown>): { [column: string]: JsonValue } {
  const json: { [column: string]: JsonValue } = {};
  for (const [column, value] of Object.entries(row)) json[column] = toJson(value);
  return json;
}

function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toJson(inner);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return null; // functions and symbols never come from a query
}
