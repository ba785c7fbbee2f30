import { describe, expect, it } from 'vitest';
import { unwrapSchemaDefinition } from '../../src/client/index.js';

describe('unwrapSchemaDefinition', () => {
  const jsonSchema = '{"type":"object","properties":{"id":{"type":"integer"}}}';
  const avro = '{"type":"record","name":"R","fields":[{"name":"id","type":"long"}]}';

  it('unwraps JsonSchema, Avro and Protobuf wrappers', () => {
    expect(unwrapSchemaDefinition(JSON.stringify({ JsonSchema: { raw_schema: jsonSchema } }))).toBe(
      jsonSchema,
    );
    expect(unwrapSchemaDefinition(JSON.stringify({ Avro: { raw_schema: avro } }))).toBe(avro);
    expect(
      unwrapSchemaDefinition(JSON.stringify({ Protobuf: { raw_proto: 'syntax="proto3";' } })),
    ).toBe('syntax="proto3";');
  });

  it('ignores the fingerprint the real broker stores beside the raw schema', () => {
    const wrapped = { JsonSchema: { raw_schema: jsonSchema, fingerprint: 'sha256:00ff' } };
    expect(unwrapSchemaDefinition(JSON.stringify(wrapped))).toBe(jsonSchema);
  });

  it.each(['"String"', '"Bytes"', '"Number"'])('turns %s into an empty definition', (bare) => {
    expect(unwrapSchemaDefinition(Buffer.from(bare))).toBe('');
  });

  it('accepts bytes', () => {
    const wrapped = Buffer.from(JSON.stringify({ JsonSchema: { raw_schema: jsonSchema } }));
    expect(unwrapSchemaDefinition(wrapped)).toBe(jsonSchema);
  });

  it('leaves an already raw definition alone', () => {
    expect(unwrapSchemaDefinition(jsonSchema)).toBe(jsonSchema);
    expect(unwrapSchemaDefinition(avro)).toBe(avro);
    expect(unwrapSchemaDefinition('not json')).toBe('not json');
    expect(unwrapSchemaDefinition('"other"')).toBe('"other"');
    expect(unwrapSchemaDefinition('{"JsonSchema":{"raw_schema":1}}')).toBe(
      '{"JsonSchema":{"raw_schema":1}}',
    );
  });
});
