import type { JsonValue } from '../src/schema/payload.js';

/** Size every benchmark record is padded to, as JSON text. */
export const RECORD_BYTES = 1024;

/** The JSON Schema every benchmark topic validates against (draft 2020-12, all fields required). */
export const RECORD_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'BenchEvent',
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 0 },
    device: { type: 'string', minLength: 1 },
    ts: { type: 'integer' },
    temperature: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' } },
    padding: { type: 'string' },
  },
  required: ['id', 'device', 'ts', 'temperature', 'tags', 'padding'],
  additionalProperties: false,
} as const;

/** The schema as the file text a connector's `schema_file` would hold. */
export const RECORD_SCHEMA_TEXT = JSON.stringify(RECORD_SCHEMA, null, 2);

const PADDING_CACHE = new Map<number, string>();

/**
 * Record number `id`: a JSON object whose serialized form is exactly {@link RECORD_BYTES}
 * long (padding adjusted per id width), valid against {@link RECORD_SCHEMA}.
 */
export function benchRecord(id: number): { [key: string]: JsonValue } {
  const base = {
    id,
    device: `device-${id % 64}`,
    ts: 1_700_000_000_000 + id,
    temperature: 21.5,
    tags: ['bench', 'loopback'],
    padding: '',
  };
  const width = JSON.stringify(base).length;
  let padding = PADDING_CACHE.get(width);
  if (padding === undefined) {
    padding = 'x'.repeat(Math.max(0, RECORD_BYTES - width));
    PADDING_CACHE.set(width, padding);
  }
  base.padding = padding;
  return base;
}
