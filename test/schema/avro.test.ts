import { readFileSync } from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  codecFor,
  decodePayload,
  parseAvroSchema,
  readAvroContainer,
  SchemaError,
  SchemaValidationError,
  type JsonValue,
  type RecordPayload,
} from '../../src/schema/index.js';
import { FIXTURES, hex, thrown } from './helpers.js';

const reading = readFileSync(path.join(FIXTURES, 'reading.avsc'), 'utf8');
const tiny = '{"type":"record","name":"P","fields":[{"name":"v","type":"double"}]}';
const ctx = { topic: '/iot/readings', subject: 'reading', version: 1 };
const json = (value: JsonValue): RecordPayload => ({ kind: 'json', value });

function invalidData(fn: () => unknown): SchemaValidationError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(SchemaValidationError);
  return err as SchemaValidationError;
}

/** Decodes a container with avsc's own streaming BlockDecoder (not our reader). */
async function decodeWithAvsc(bytes: Buffer): Promise<unknown[]> {
  const decoder = new avro.streams.BlockDecoder();
  const values: unknown[] = [];
  const done = new Promise<void>((resolve, reject) => {
    decoder.on('data', (value: unknown) => values.push(value));
    decoder.on('end', () => resolve());
    decoder.on('error', reject);
  });
  decoder.end(bytes);
  await done;
  return values;
}

describe('avro codec, default wire format (JSON text)', () => {
  const codec = codecFor('avro', reading, 'default', ctx);

  it('writes valid values as JSON text', () => {
    expect(codec.encode(json({ device: 'd1', temperature: 21.5, count: 3 }))).toEqual(
      Buffer.from('{"device":"d1","temperature":21.5,"count":3}'),
    );
    expect(() =>
      codec.encode(json({ device: 'd1', temperature: 1, count: 1, note: 'x', samples: [1] })),
    ).not.toThrow();
  });

  it('names the failing field with the expected Avro type', () => {
    expect(
      invalidData(() => codec.encode(json({ device: 'd1', temperature: 'hot', count: 3 }))).message,
    ).toBe('/iot/readings (subject reading v1): $.temperature: must be double, got string "hot"');
    expect(invalidData(() => codec.encode(json({ device: 'd1', temperature: 1 }))).message).toBe(
      '/iot/readings (subject reading v1): $.count: is required by the Avro schema (long (integer within ±2^53))',
    );
    expect(
      invalidData(() =>
        codec.encode(json({ device: 'd1', temperature: 1, count: 1, samples: [1, 2.5] })),
      ).message,
    ).toBe(
      '/iot/readings (subject reading v1): $.samples[1]: must be int (32-bit integer), got number 2.5',
    );
    expect(
      invalidData(() => codec.encode(json({ device: 'd1', temperature: 1, count: 1, note: 5 })))
        .reason,
    ).toBe('must be one of null | string, got number 5');
    expect(invalidData(() => codec.encode(json('text'))).message).toBe(
      '/iot/readings (subject reading v1): $: must be record iot.Reading, got string "text"',
    );
  });

  it('refuses NaN / Infinity even where Avro doubles would take them', () => {
    expect(
      invalidData(() => codec.encode(json({ device: 'd1', temperature: Infinity, count: 1 }))).path,
    ).toBe('$.temperature');
  });

  it('decodes JSON text', () => {
    expect(codec.decode(Buffer.from('{"device":"d1"}'))).toEqual({ device: 'd1' });
  });
});

describe('avro codec, binary wire format (object container)', () => {
  it('writes a fixed, complete Avro object container', () => {
    const codec = codecFor('avro', tiny, 'binary', ctx);
    const expected = hex(`
      4f626a01
      04
        16 6176726f2e736368656d61
        8801 7b2274797065223a227265636f7264222c226e616d65223a2250222c226669656c6473223a5b7b226e616d65223a2276222c2274797065223a22646f75626c65227d5d7d
        14 6176726f2e636f646563
        08 6e756c6c
      00
      6a480426fb18b3e7e34d08e1ece1dfcb
      02 10 0000000000404540
      6a480426fb18b3e7e34d08e1ece1dfcb`);
    expect(codec.encode(json({ v: 42.5 }))).toEqual(expected);
    expect(codec.encode(json({ v: 42.5 }))).toEqual(expected);
  });

  it('round trips through avsc BlockDecoder and through our reader', async () => {
    const codec = codecFor('avro', reading, 'binary', ctx);
    const value = {
      device: 'd-é',
      temperature: -3.25,
      count: 2 ** 40,
      note: null,
      samples: [1, -2, 3],
    };
    const bytes = codec.encode(json(value));
    const [decoded] = await decodeWithAvsc(bytes);
    expect({ ...(decoded as object) }).toEqual(value);
    expect(readAvroContainer(bytes).values).toHaveLength(1);
    expect({ ...(codec.decode(bytes) as object) }).toEqual(value);
    expect({ ...(decodePayload(bytes, { schemaType: 'avro' }) as object) }).toEqual(value);
  });

  it('fills defaults for missing optional fields', async () => {
    const codec = codecFor('avro', reading, 'binary', ctx);
    const [decoded] = await decodeWithAvsc(
      codec.encode(json({ device: 'd', temperature: 1, count: 1 })),
    );
    expect({ ...(decoded as object) }).toEqual({
      device: 'd',
      temperature: 1,
      count: 1,
      note: null,
      samples: [],
    });
  });

  it('reads containers written by avsc (deflate codec too)', async () => {
    const type = avro.Type.forSchema(JSON.parse(tiny) as avro.Schema);
    for (const codecName of ['null', 'deflate']) {
      const encoder = new avro.streams.BlockEncoder(type, { codec: codecName });
      const chunks: Buffer[] = [];
      const done = new Promise<void>((resolve, reject) => {
        encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
        encoder.on('end', () => resolve());
        encoder.on('error', reject);
      });
      encoder.write({ v: 1.5 });
      encoder.end({ v: 2.5 });
      await done;
      expect(
        readAvroContainer(Buffer.concat(chunks)).values.map((v) => ({ ...(v as object) })),
      ).toEqual([{ v: 1.5 }, { v: 2.5 }]);
    }
  });

  it('validates before writing, like the default format', () => {
    const codec = codecFor('avro', reading, 'binary', ctx);
    expect(
      invalidData(() => codec.encode(json({ device: 'd', temperature: 1, count: 2 ** 60 }))).path,
    ).toBe('$.count');
  });
});

describe('invalid Avro schemas', () => {
  it('refuses an unknown type naming the source', () => {
    const text = readFileSync(path.join(FIXTURES, 'invalid.avsc'), 'utf8');
    const err = thrown(() => parseAvroSchema(text, '/cfg/schemas/invalid.avsc'));
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toBe(
      '/cfg/schemas/invalid.avsc: invalid Avro schema: undefined type name: decimalish',
    );
  });

  it('refuses text that is not JSON', () => {
    expect(thrown(() => parseAvroSchema('{"type": "record"', 'r.avsc')).message).toMatch(
      /^r\.avsc: invalid Avro schema: not valid JSON \(/,
    );
  });

  it('refuses a record without fields', () => {
    expect(
      thrown(() => codecFor('avro', '{"type":"record","name":"R"}', 'default', ctx)).message,
    ).toMatch(/^subject reading v1: invalid Avro schema: /);
  });
});

describe('bare Avro type names', () => {
  it('accepts a primitive name without JSON quotes', () => {
    const codec = codecFor('avro', ' string\n', 'binary', ctx);
    expect(codec.encode({ kind: 'string', value: 'hi' }).subarray(0, 4)).toEqual(hex('4f626a01'));
    expect(codec.decode(codec.encode({ kind: 'string', value: 'hi' }))).toBe('hi');
  });
});
