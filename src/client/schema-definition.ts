/**
 * The registry stores definitions wrapped by type and returns them that way:
 * `{"JsonSchema":{"raw_schema":"…"}}`, `{"Avro":{"raw_schema":"…"}}`,
 * `{"Protobuf":{"raw_proto":"…"}}`, or the bare JSON strings `"String"`, `"Bytes"`,
 * `"Number"` for types without a definition.
 * @module
 */

const BARE_TYPES = new Set(['String', 'Bytes', 'Number']);
const WRAPPERS = ['JsonSchema', 'Avro', 'Protobuf'];

/**
 * Returns the raw definition text inside a registry-wrapped definition: the `raw_schema`
 * of a `JsonSchema` / `Avro` / `Protobuf` wrapper, `''` for `"String"`, `"Bytes"`,
 * `"Number"`. Text that is not wrapped (an already raw definition) comes back unchanged.
 */
export function unwrapSchemaDefinition(definition: string | Uint8Array): string {
  const text =
    typeof definition === 'string' ? definition : Buffer.from(definition).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed === 'string') return BARE_TYPES.has(parsed) ? '' : text;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return text;
  const entries = Object.entries(parsed);
  if (entries.length !== 1) return text;
  const [wrapper, inner] = entries[0] as [string, unknown];
  if (!WRAPPERS.includes(wrapper) || inner === null || typeof inner !== 'object') return text;
  // Protobuf wrappers carry `raw_proto`; the others `raw_schema` (and a fingerprint we ignore).
  const fields = inner as Record<string, unknown>;
  const raw = fields['raw_schema'] ?? fields['raw_proto'];
  return typeof raw === 'string' ? raw : text;
}
