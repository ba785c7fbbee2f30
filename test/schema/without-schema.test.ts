import { describe, expect, it } from 'vitest';
import {
  decodePayload,
  encodeWithoutSchema,
  SchemaValidationError,
} from '../../src/schema/index.js';
import { hex, thrown } from './helpers.js';

describe('encodeWithoutSchema', () => {
  it('writes json as JSON text, strings as UTF-8, numbers as JSON text, bytes raw', () => {
    expect(encodeWithoutSchema({ kind: 'json', value: { t: 21.5, ok: true, n: null } })).toEqual(
      hex('7b 22 74 22 3a 32 31 2e 35 2c 22 6f 6b 22 3a 74 72 75 65 2c 22 6e 22 3a 6e 75 6c 6c 7d'),
    );
    expect(encodeWithoutSchema({ kind: 'json', value: 'hi' })).toEqual(hex('22 68 69 22'));
    expect(encodeWithoutSchema({ kind: 'string', value: 'ü' })).toEqual(hex('c3 bc'));
    expect(encodeWithoutSchema({ kind: 'number', value: 42.5 })).toEqual(hex('34 32 2e 35'));
    expect(encodeWithoutSchema({ kind: 'bytes', value: hex('de ad be ef') })).toEqual(
      hex('de ad be ef'),
    );
  });

  it('refuses NaN and Infinity anywhere, naming the path', () => {
    for (const value of [NaN, Infinity, -Infinity]) {
      const err = thrown(() => encodeWithoutSchema({ kind: 'number', value }, '/default/raw'));
      expect(err).toBeInstanceOf(SchemaValidationError);
      expect(err.message).toBe(
        `/default/raw: $: ${String(value)} is not a finite number (JSON cannot carry NaN or Infinity)`,
      );
    }
    expect(
      thrown(() =>
        encodeWithoutSchema({ kind: 'json', value: { a: { b: [0, -Infinity] } } }, '/t/x'),
      ).message,
    ).toBe('/t/x: $.a.b[1]: -Infinity is not a finite number (JSON cannot carry NaN or Infinity)');
  });

  it('refuses lone surrogates in string payloads', () => {
    expect(
      thrown(() => encodeWithoutSchema({ kind: 'string', value: '\ud800' }, '/t/x')).message,
    ).toBe('/t/x: $: string contains a lone UTF-16 surrogate, which UTF-8 cannot carry');
  });

  it('escapes lone surrogates inside JSON text (valid UTF-8 JSON)', () => {
    expect(encodeWithoutSchema({ kind: 'json', value: '\ud800' })).toEqual(
      Buffer.from('"\\ud800"'),
    );
  });
});

describe('decodePayload', () => {
  it('recognizes number text and binary numbers in auto mode', () => {
    expect(decodePayload(hex('34 32 2e 35'), { schemaType: 'number' })).toBe(42.5);
    expect(decodePayload(hex('40 45 40 00 00 00 00 00'), { schemaType: 'number' })).toBe(42.5);
    expect(decodePayload(hex('42 2a 00 00'), { schemaType: 'number', wireFormat: 'binary' })).toBe(
      42.5,
    );
    expect(() =>
      decodePayload(hex('01 02 03'), { schemaType: 'number', wireFormat: 'binary' }),
    ).toThrow('binary number payload must be 4 or 8 bytes, got 3');
  });

  it('reads strings strictly and bytes as they are', () => {
    expect(decodePayload(hex('68 69'), { schemaType: 'string' })).toBe('hi');
    expect(() => decodePayload(hex('ff'), { schemaType: 'string' })).toThrow(
      'payload is not valid UTF-8',
    );
    expect(decodePayload(hex('ff 00'))).toEqual(hex('ff 00'));
  });

  it('parses JSON for json_schema and JSON-format avro', () => {
    expect(decodePayload(Buffer.from('{"a":1}'), { schemaType: 'json_schema' })).toEqual({ a: 1 });
    expect(decodePayload(Buffer.from('[1]'), { schemaType: 'avro' })).toEqual([1]);
    expect(() => decodePayload(Buffer.from('{'), { schemaType: 'json_schema' })).toThrow(
      /^payload is not JSON text/,
    );
  });
});
