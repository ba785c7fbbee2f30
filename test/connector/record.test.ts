import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { SourceEnvelope, toEnvelope } from '../../src/connector/envelope.js';
import { Offset } from '../../src/connector/offset.js';
import { SourceRecord } from '../../src/connector/record.js';

function invalid(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('invalid_data');
    return error as ConnectorError;
  }
  throw new Error('expected ConnectorError.invalidData');
}

describe('SourceRecord', () => {
  it('builds each payload kind', () => {
    expect(SourceRecord.json('/d/t', { a: [1, 'x', null, true] }).payload).toEqual({
      kind: 'json',
      value: { a: [1, 'x', null, true] },
    });
    expect(SourceRecord.string('/d/t', 'héllo').payload).toEqual({
      kind: 'string',
      value: 'héllo',
    });
    expect(SourceRecord.number('/d/t', 1.5).payload).toEqual({ kind: 'number', value: 1.5 });
    const bytes = new Uint8Array([1, 2, 3]);
    expect(SourceRecord.bytes('/d/t', bytes).payload).toEqual({ kind: 'bytes', value: bytes });
    expect(SourceRecord.base64('/d/t', 'AQID').payload).toEqual({
      kind: 'bytes',
      value: new Uint8Array([1, 2, 3]),
    });
    expect(SourceRecord.base64('/d/t', '-_8').payload).toEqual({
      kind: 'bytes',
      value: new Uint8Array([251, 255]),
    });
  });

  it('from() serializes objects like JSON (toJSON, dropped undefined, Date)', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      toJSON() {
        return [this.x, this.y];
      }
    }
    const at = new Date('2024-01-02T03:04:05.000Z');
    const record = SourceRecord.from('/d/t', {
      p: new Point(1, 2),
      at,
      gone: undefined,
      list: [undefined],
    });
    expect(record.payload).toEqual({
      kind: 'json',
      value: { p: [1, 2], at: '2024-01-02T03:04:05.000Z', list: [null] },
    });
  });

  it('from() refuses BigInt, NaN, Infinity, cycles and Map/Set, naming the path', () => {
    expect(invalid(() => SourceRecord.from('/d/t', { a: { b: 1n } })).message).toMatch(
      /\$\.a\.b is a BigInt/,
    );
    expect(invalid(() => SourceRecord.from('/d/t', { xs: [1, Number.NaN] })).message).toMatch(
      /\$\.xs\[1\] is NaN/,
    );
    expect(
      invalid(() => SourceRecord.json('/d/t', { v: Number.POSITIVE_INFINITY })).message,
    ).toMatch(/Infinity/);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(invalid(() => SourceRecord.from('/d/t', cyclic)).message).toMatch(
      /\$\.self is a circular reference/,
    );
    expect(invalid(() => SourceRecord.from('/d/t', { m: new Map() })).message).toMatch(/Map/);
    invalid(() => SourceRecord.from('/d/t', () => 1));
    // shared (non-cyclic) references are fine
    const shared = { v: 1 };
    expect(SourceRecord.from('/d/t', { a: shared, b: shared }).payload.value).toEqual({
      a: { v: 1 },
      b: { v: 1 },
    });
  });

  it('copies JSON values so later mutation does not change the record', () => {
    const value = { n: 1 };
    const record = SourceRecord.json('/d/t', value);
    value.n = 2;
    expect(record.payload.value).toEqual({ n: 1 });
  });

  it('refuses bad numbers, lone surrogates and malformed base64', () => {
    invalid(() => SourceRecord.number('/d/t', Number.NaN));
    invalid(() => SourceRecord.string('/d/t', 'bad \ud800 text'));
    invalid(() => SourceRecord.base64('/d/t', 'not base64!'));
    invalid(() => SourceRecord.string('', 'no topic'));
    invalid(() => SourceRecord.string('/d/t', 'x').withKey('\udc00'));
  });

  it('withKey / withAttribute(s) return new immutable records', () => {
    const base = SourceRecord.string('/d/t', 'x');
    const keyed = base.withKey('k').withAttribute('a', '1').withAttributes({ b: '2', a: '3' });
    expect(base.key).toBeUndefined();
    expect(base.attributes).toEqual({});
    expect(keyed.key).toBe('k');
    expect(keyed.attributes).toEqual({ a: '3', b: '2' });
    expect(Object.isFrozen(keyed)).toBe(true);
    expect(Object.isFrozen(keyed.attributes)).toBe(true);
    invalid(() => base.withAttribute('n', 1 as unknown as string));
  });
});

describe('Offset and SourceEnvelope', () => {
  it('keeps connector values opaque and exact', () => {
    const big = Offset.of('wal', 2n ** 64n - 1n);
    expect(big.value).toBe(18446744073709551615n);
    expect(big.toString()).toBe('wal@18446744073709551615');
    expect(Offset.of('c', 'cursor-1').equals(Offset.of('c', 'cursor-1'))).toBe(true);
    expect(Offset.of('c', 1).equals(Offset.of('c', '1'))).toBe(false);
    expect(() => Offset.of('', 1)).toThrow(/partition/);
    expect(() => Offset.of('p', Number.NaN)).toThrow(/finite/);
  });

  it('carries optional metadata, like Rust Offset::with_metadata', () => {
    const plain = Offset.of('partition-0', 42);
    expect(plain.metadata).toBeUndefined();
    const tagged = Offset.withMetadata('partition-1', 100, 'session-7');
    expect(tagged).toMatchObject({ partition: 'partition-1', value: 100, metadata: 'session-7' });
    expect(Object.isFrozen(tagged)).toBe(true);
    expect(tagged.equals(Offset.withMetadata('partition-1', 100, 'session-7'))).toBe(true);
    expect(tagged.equals(Offset.of('partition-1', 100))).toBe(false);
    expect(tagged.toString()).toBe('partition-1@100');
    expect(() => Offset.withMetadata('p', 1, 7 as unknown as string)).toThrow(/must be a string/);
    expect(() => Offset.withMetadata('', 1, 'm')).toThrow(/partition/);
  });

  it('wraps records, with or without offset', () => {
    const record = SourceRecord.number('/d/t', 1);
    expect(toEnvelope(record).offset).toBeUndefined();
    const envelope = SourceEnvelope.withOffset(record, Offset.of('p', 3));
    expect(toEnvelope(envelope)).toBe(envelope);
    expect(() => toEnvelope({ topic: '/d/t' } as unknown as SourceRecord)).toThrow(
      /SourceRecord or SourceEnvelope/,
    );
  });
});

describe('ConnectorError', () => {
  it('carries kind and cause', () => {
    const cause = new Error('ECONNRESET');
    const error = ConnectorError.retryable('upstream reset', { cause });
    expect(error.kind).toBe('retryable');
    expect(error.cause).toBe(cause);
    expect(ConnectorError.fatal('x').kind).toBe('fatal');
    expect(ConnectorError.config('x').kind).toBe('config');
    expect(error).toBeInstanceOf(Error);
  });
});
