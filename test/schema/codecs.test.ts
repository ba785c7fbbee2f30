import { describe, expect, it } from 'vitest';
import {
  codecFor,
  SchemaError,
  SchemaValidationError,
  type JsonValue,
  type RecordPayload,
} from '../../src/schema/index.js';
import { hex, thrown } from './helpers.js';

const ctx = { topic: '/iot/readings', subject: 'readings', version: 3 };
const num = (value: number): RecordPayload => ({ kind: 'number', value });
const str = (value: string): RecordPayload => ({ kind: 'string', value });
const bytes = (value: Uint8Array): RecordPayload => ({ kind: 'bytes', value });
const json = (value: JsonValue): RecordPayload => ({ kind: 'json', value });

function invalidData(fn: () => unknown): SchemaValidationError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(SchemaValidationError);
  expect((err as SchemaValidationError).kind).toBe('schema');
  return err as SchemaValidationError;
}

describe('number codec', () => {
  const text = codecFor('number', '', 'default', ctx);
  const binary = codecFor('number', '', 'binary', ctx);

  it('writes JSON number text by default', () => {
    expect(text.encode(num(42.5))).toEqual(hex('34 32 2e 35'));
    expect(text.encode(num(42))).toEqual(hex('34 32'));
    expect(text.encode(num(-0.001))).toEqual(hex('2d 30 2e 30 30 31'));
    expect(text.encode(num(1e21))).toEqual(hex('31 65 2b 32 31'));
  });

  it('accepts a json payload holding a number', () => {
    expect(text.encode(json(7))).toEqual(hex('37'));
    expect(binary.encode(json(7))).toEqual(hex('40 1c 00 00 00 00 00 00'));
  });

  it('writes 8-byte big-endian IEEE-754 with wire_format binary', () => {
    expect(binary.encode(num(42.5))).toEqual(hex('40 45 40 00 00 00 00 00'));
    expect(binary.encode(num(-1))).toEqual(hex('bf f0 00 00 00 00 00 00'));
    expect(binary.encode(num(0))).toEqual(hex('00 00 00 00 00 00 00 00'));
  });

  it.each([NaN, Infinity, -Infinity])('refuses %s in both wire formats', (value) => {
    for (const codec of [text, binary]) {
      const err = invalidData(() => codec.encode(num(value)));
      expect(err.message).toBe(
        `/iot/readings (subject readings v3): $: ${String(value)} is not a finite number (JSON cannot carry NaN or Infinity)`,
      );
    }
  });

  it('refuses strings and json objects', () => {
    expect(invalidData(() => text.encode(str('42'))).message).toBe(
      '/iot/readings (subject readings v3): $: expected a number for schema type number, got a string payload',
    );
    expect(invalidData(() => binary.encode(json({ v: 1 }))).reason).toBe(
      'expected a number for schema type number, got a json object',
    );
  });

  it('decodes both wire formats', () => {
    expect(text.decode(hex('34 32 2e 35'))).toBe(42.5);
    expect(binary.decode(hex('40 45 40 00 00 00 00 00'))).toBe(42.5);
  });
});

describe('string codec', () => {
  const codec = codecFor('string', '', 'default', ctx);

  it('writes UTF-8', () => {
    expect(codec.encode(str('héllo'))).toEqual(hex('68 c3 a9 6c 6c 6f'));
    expect(codec.encode(str('🚀'))).toEqual(hex('f0 9f 9a 80'));
    expect(codec.encode(str(''))).toEqual(hex(''));
    expect(codec.encode(json('ok'))).toEqual(hex('6f 6b'));
  });

  it('refuses lone surrogates instead of replacing them', () => {
    expect(invalidData(() => codec.encode(str('a\ud800b'))).message).toBe(
      '/iot/readings (subject readings v3): $: string contains a lone UTF-16 surrogate, which UTF-8 cannot carry',
    );
    invalidData(() => codec.encode(str('\udc00')));
    invalidData(() => codec.encode(json('x\udfff')));
  });

  it('writes other json values as their JSON text, as the Rust runtime does', () => {
    expect(codec.encode(json({ a: 1, b: 'é' })).toString('utf8')).toBe('{"a":1,"b":"é"}');
    expect(codec.encode(json([1, null])).toString('utf8')).toBe('[1,null]');
    expect(codec.encode(json(null)).toString('utf8')).toBe('null');
    expect(codec.encode(json(true)).toString('utf8')).toBe('true');
    expect(codec.encode(json(2.5)).toString('utf8')).toBe('2.5');
    expect(invalidData(() => codec.encode(json({ a: [NaN] }))).path).toBe('$.a[0]');
  });

  it('refuses a number payload (a SourceRecord.number meant for a number topic)', () => {
    expect(invalidData(() => codec.encode(num(1))).message).toBe(
      '/iot/readings (subject readings v3): $: expected a string for schema type string, got a number payload',
    );
  });

  it('passes bytes that are valid UTF-8 and refuses the others', () => {
    expect(codec.encode(bytes(hex('68 69')))).toEqual(hex('68 69'));
    expect(invalidData(() => codec.encode(bytes(hex('ff fe')))).reason).toBe(
      'bytes payload is not valid UTF-8',
    );
  });

  it('decodes UTF-8', () => {
    expect(codec.decode(hex('68 c3 a9 6c 6c 6f'))).toBe('héllo');
  });
});

describe('bytes codec', () => {
  const codec = codecFor('bytes', '', 'binary', ctx);

  it('writes bytes unchanged, strings as UTF-8, json and numbers as JSON text', () => {
    expect(codec.encode(bytes(hex('00 ff 10')))).toEqual(hex('00 ff 10'));
    expect(codec.encode(bytes(new Uint8Array([1, 2, 3]).subarray(1)))).toEqual(hex('02 03'));
    expect(codec.encode(str('é'))).toEqual(hex('c3 a9'));
    expect(codec.encode(json({ a: [1, true] }))).toEqual(
      hex('7b 22 61 22 3a 5b 31 2c 74 72 75 65 5d 7d'),
    );
    expect(codec.encode(json([1]))).toEqual(hex('5b 31 5d'));
    expect(codec.encode(json({ data: 7 }))).toEqual(hex('7b 22 64 61 74 61 22 3a 37 7d'));
    expect(codec.encode(num(42.5))).toEqual(hex('34 32 2e 35'));
  });

  it('decodes a json string, and the data field of a json object, from base64 (Rust)', () => {
    expect(codec.encode(json('AP8Q'))).toEqual(hex('00 ff 10'));
    expect(codec.encode(json(''))).toEqual(hex(''));
    const wrapped = { data: 'aGk=', size: 2, encoding: 'base64' };
    expect(codec.encode(json(wrapped))).toEqual(hex('68 69'));
    // Rust decodes `data` whatever `encoding` says.
    expect(codec.encode(json({ data: 'aGk=', encoding: 'utf8' }))).toEqual(hex('68 69'));
    expect(codec.encode(json({ data: 'aGk' }))).toEqual(hex('68 69'));
    // A string record keeps its meaning: its UTF-8 bytes.
    expect(codec.encode(str('aGk='))).toEqual(hex('61 47 6b 3d'));
  });

  it('refuses invalid base64 as invalid data, naming where it is', () => {
    const plain = invalidData(() => codec.encode(json('not base64!')));
    expect(plain.message).toBe(
      '/iot/readings (subject readings v3): $: is not valid base64 (a JSON string, or the data field of an object, is decoded as base64 on a bytes topic, as in the Rust runtime; send raw bytes with SourceRecord.bytes)',
    );
    expect(invalidData(() => codec.encode(json({ data: 'a=b', encoding: 'base64' }))).path).toBe(
      '$.data',
    );
  });

  it('refuses NaN inside json and lone surrogates in strings', () => {
    expect(invalidData(() => codec.encode(json({ a: [1, NaN] }))).path).toBe('$.a[1]');
    invalidData(() => codec.encode(str('\ud83d')));
  });

  it('decodes to a Buffer', () => {
    expect(codec.decode(hex('00 ff'))).toEqual(hex('00 ff'));
  });
});

describe('protobuf', () => {
  it('is refused as not supported yet', () => {
    const err = thrown(() => codecFor('protobuf', 'syntax = "proto3";', 'default', ctx));
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toBe(
      '/iot/readings: schema type "protobuf" is not supported yet (use json_schema, avro, string, bytes or number)',
    );
  });
});
