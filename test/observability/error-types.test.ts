import { describe, expect, it } from 'vitest';
import { DanubeError } from '../../src/client/errors.js';
import { ERROR_TYPES, errorTypeOf, toErrorType } from '../../src/observability/index.js';

const withKind = (kind: string, message = 'x') => Object.assign(new Error(message), { kind });

describe('errorTypeOf', () => {
  it('classifies connector, client, schema and timeout errors into the documented set', () => {
    expect(errorTypeOf(withKind('retryable'))).toBe('retryable');
    expect(errorTypeOf(withKind('fatal'))).toBe('fatal');
    expect(errorTypeOf(withKind('config'))).toBe('fatal');
    expect(errorTypeOf(withKind('invalid_data'))).toBe('invalid_data');
    expect(errorTypeOf(new DanubeError('gone', { kind: 'unavailable', code: 14 }))).toBe(
      'retryable',
    );
    expect(errorTypeOf(new DanubeError('no', { kind: 'rejected', code: 7 }))).toBe(
      'broker_rejected',
    );
    expect(
      errorTypeOf(
        new DanubeError('message too large: 2048 > 1024', { kind: 'invalid_argument', code: 3 }),
      ),
    ).toBe('oversize');
    expect(errorTypeOf(new DanubeError('bad topic', { kind: 'invalid_argument', code: 3 }))).toBe(
      'broker_rejected',
    );
    expect(errorTypeOf(new DanubeError('late', { kind: 'unavailable', code: 4 }))).toBe('timeout');
    expect(errorTypeOf(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe('timeout');
    expect(errorTypeOf(Object.assign(new Error('s'), { name: 'SchemaValidationError' }))).toBe(
      'schema',
    );
    expect(errorTypeOf(new DanubeError('incompatible', { kind: 'schema' }))).toBe('schema');
  });

  it('maps anything unknown to fatal', () => {
    expect(errorTypeOf(new Error('boom'))).toBe('fatal');
    expect(errorTypeOf('text')).toBe('fatal');
    expect(errorTypeOf(undefined)).toBe('fatal');
    expect(toErrorType('ECONNRESET')).toBe('fatal');
    for (const type of ERROR_TYPES) expect(toErrorType(type)).toBe(type);
  });
});
