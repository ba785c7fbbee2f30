import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  codecFor,
  compileJsonSchema,
  SchemaError,
  SchemaValidationError,
  type JsonValue,
  type RecordPayload,
} from '../../src/schema/index.js';
import { FIXTURES, hex, thrown } from './helpers.js';

const draft07 = readFileSync(path.join(FIXTURES, 'sensor-draft07.json'), 'utf8');
const draft2020 = readFileSync(path.join(FIXTURES, 'sensor-2020.json'), 'utf8');
const ctx = { topic: '/iot/sensors', subject: 'sensor-v1', version: 2 };
const json = (value: JsonValue): RecordPayload => ({ kind: 'json', value });

function invalidData(fn: () => unknown): SchemaValidationError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(SchemaValidationError);
  return err as SchemaValidationError;
}

describe('json_schema codec (draft-07)', () => {
  const codec = codecFor('json_schema', draft07, 'default', ctx);

  it('writes valid values as compact JSON text', () => {
    expect(codec.encode(json({ device: 'd1', temperature: 21.5 }))).toEqual(
      hex('7b22646576696365223a226431222c2274656d7065726174757265223a32312e357d'),
    );
  });

  it('names topic, subject, version and the failing path', () => {
    const err = invalidData(() => codec.encode(json({ device: 'd1', temperature: 'hot' })));
    expect(err.message).toBe('/iot/sensors (subject sensor-v1 v2): $.temperature: must be number');
    expect(err.kind).toBe('schema');
    expect(err.path).toBe('$.temperature');
    expect(err.topic).toBe('/iot/sensors');
    expect(err.subject).toBe('sensor-v1');
    expect(err.version).toBe(2);
  });

  it('points at array items and missing required properties', () => {
    expect(
      invalidData(() => codec.encode(json({ device: 'd', temperature: 1, readings: [1, 2.5] })))
        .message,
    ).toBe('/iot/sensors (subject sensor-v1 v2): $.readings[1]: must be integer');
    expect(invalidData(() => codec.encode(json({ device: 'd' }))).message).toBe(
      '/iot/sensors (subject sensor-v1 v2): $.temperature: is required but missing',
    );
    expect(invalidData(() => codec.encode(json([1]))).message).toBe(
      '/iot/sensors (subject sensor-v1 v2): $: must be object',
    );
  });

  it('checks formats (ajv-formats)', () => {
    expect(
      invalidData(() => codec.encode(json({ device: 'd', temperature: 1, seen_at: 'yesterday' })))
        .message,
    ).toBe('/iot/sensors (subject sensor-v1 v2): $.seen_at: must match format "date-time"');
    expect(() =>
      codec.encode(json({ device: 'd', temperature: 1, seen_at: '2024-05-01T10:00:00Z' })),
    ).not.toThrow();
  });

  it('refuses NaN and Infinity with their path before validating', () => {
    expect(invalidData(() => codec.encode(json({ device: 'd', temperature: NaN }))).message).toBe(
      '/iot/sensors (subject sensor-v1 v2): $.temperature: NaN is not a finite number (JSON cannot carry NaN or Infinity)',
    );
    expect(
      invalidData(() => codec.encode(json({ device: 'd', temperature: 1, readings: [Infinity] })))
        .path,
    ).toBe('$.readings[0]');
  });

  it('parses bytes payloads as JSON text and sends them unchanged', () => {
    const text = Buffer.from('{ "device": "d1", "temperature": 12345678901234567890 }');
    expect(codec.encode({ kind: 'bytes', value: text })).toEqual(text);
    expect(
      invalidData(() =>
        codec.encode({ kind: 'bytes', value: Buffer.from('{"device":1,"temperature":2}') }),
      ).path,
    ).toBe('$.device');
    expect(
      invalidData(() => codec.encode({ kind: 'bytes', value: Buffer.from('{nope') })).reason,
    ).toMatch(/^bytes payload is not JSON text: /);
  });

  it('quotes keys that are not identifiers in paths', () => {
    const odd = codecFor('json_schema', '{"properties":{"a b":{"type":"string"}}}', 'default', ctx);
    expect(invalidData(() => odd.encode(json({ 'a b': 1 }))).path).toBe('$["a b"]');
  });

  it('decodes JSON text', () => {
    expect(codec.decode(Buffer.from('{"device":"d1","temperature":21.5}'))).toEqual({
      device: 'd1',
      temperature: 21.5,
    });
  });
});

describe('json_schema codec (2020-12)', () => {
  const codec = codecFor('json_schema', draft2020, 'default', ctx);

  it('uses the 2020-12 vocabulary picked by $schema', () => {
    expect(compileJsonSchema(draft2020, 'sensor-2020.json').draft).toBe('2020-12');
    expect(compileJsonSchema(draft07, 'sensor-draft07.json').draft).toBe('draft-07');
    expect(compileJsonSchema('{"type":"string"}', 'inline').draft).toBe('draft-07');
    expect(codec.encode(json({ device: 'd', position: [1, 2], tags: ['x'] }))).toEqual(
      Buffer.from('{"device":"d","position":[1,2],"tags":["x"]}'),
    );
  });

  it('enforces prefixItems, items: false, $defs and unevaluatedProperties', () => {
    expect(invalidData(() => codec.encode(json({ device: 'd', position: [1, 'x'] }))).path).toBe(
      '$.position[1]',
    );
    expect(
      invalidData(() => codec.encode(json({ device: 'd', position: [1, 2, 3] }))).message,
    ).toBe('/iot/sensors (subject sensor-v1 v2): $.position: must NOT have more than 2 items');
    expect(invalidData(() => codec.encode(json({ device: 'd', tags: [3] }))).path).toBe(
      '$.tags[0]',
    );
    expect(invalidData(() => codec.encode(json({ device: 'd', extra: true }))).message).toBe(
      '/iot/sensors (subject sensor-v1 v2): $.extra: is not allowed (unevaluatedProperties is false)',
    );
  });

  it('compiles two versions sharing one $id independently', () => {
    const v3 = draft2020.replace('"required": ["device"]', '"required": ["device", "tags"]');
    const a = codecFor('json_schema', draft2020, 'default', ctx);
    const b = codecFor('json_schema', v3, 'default', { ...ctx, version: 3 });
    expect(() => a.encode(json({ device: 'd' }))).not.toThrow();
    expect(invalidData(() => b.encode(json({ device: 'd' }))).message).toBe(
      '/iot/sensors (subject sensor-v1 v3): $.tags: is required but missing',
    );
  });
});

describe('invalid JSON Schemas', () => {
  it('refuses an invalid schema naming its source', () => {
    const text = readFileSync(path.join(FIXTURES, 'invalid-schema.json'), 'utf8');
    const err = thrown(() => compileJsonSchema(text, '/cfg/schemas/invalid-schema.json'));
    expect(err).toBeInstanceOf(SchemaError);
    expect((err as SchemaError).kind).toBe('config');
    expect(err.message).toMatch(
      /^\/cfg\/schemas\/invalid-schema\.json: invalid JSON Schema \(draft-07\): schema is invalid: /,
    );
    expect(err.message).toContain(
      'data/properties/temperature/type must be equal to one of the allowed values',
    );
  });

  it('refuses text that is not JSON', () => {
    expect(thrown(() => compileJsonSchema('{ "type": ', 'a.json')).message).toMatch(
      /^a\.json: invalid JSON Schema: not valid JSON \(/,
    );
    expect(thrown(() => compileJsonSchema('[1]', 'a.json')).message).toBe(
      'a.json: invalid JSON Schema: must be a JSON object or boolean',
    );
  });

  it('refuses an unsupported $schema draft', () => {
    expect(
      thrown(() =>
        compileJsonSchema('{"$schema":"http://json-schema.org/draft-04/schema#"}', 'old.json'),
      ).message,
    ).toBe(
      'old.json: unsupported JSON Schema version "$schema": "http://json-schema.org/draft-04/schema#" (supported: draft-07, 2019-09, 2020-12)',
    );
  });

  it('refuses an unresolvable $ref', () => {
    expect(
      thrown(() => compileJsonSchema('{"$ref":"#/$defs/missing"}', 'ref.json')).message,
    ).toMatch(
      /^ref\.json: invalid JSON Schema \(draft-07\): can't resolve reference #\/\$defs\/missing/,
    );
  });

  it('names the registry version when the codec compiles a registry definition', () => {
    const err = thrown(() => codecFor('json_schema', '{"type": 12}', 'default', ctx));
    expect(err.message).toMatch(
      /^subject sensor-v1 v2: invalid JSON Schema \(draft-07\): schema is invalid: /,
    );
  });
});
