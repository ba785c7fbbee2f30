import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { errorFromStatus } from '../../src/client/status.js';
import { ConnectorError } from '../../src/connector/errors.js';
import { DanubeConnectError, ERROR_KINDS } from '../../src/errors.js';
import { errorTypeOf } from '../../src/observability/index.js';
import { PublishTimeoutError } from '../../src/runtime/errors.js';
import { SchemaValidationError } from '../../src/schema/errors.js';

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

describe('errorTypeOf', () => {
  it('is the kind, for every kind and every subclass', () => {
    for (const kind of ERROR_KINDS) {
      expect(errorTypeOf(new DanubeConnectError(kind, 'x'))).toBe(kind);
    }
    expect(errorTypeOf(ConnectorError.invalidData('row 7: price is NaN'))).toBe('invalid_data');
    expect(errorTypeOf(new PublishTimeoutError('/default/t', 100, 3, new Error('down')))).toBe(
      'timeout',
    );
    expect(errorTypeOf(new SchemaValidationError({ topic: '/default/t' }, '$.a', 'bad'))).toBe(
      'schema',
    );
  });

  it('reads the kind the client gave a broker answer', () => {
    const send = { operation: 'SendMessage', topic: '/default/t', producer: 'p' };
    const typeOf = (code: status, details = 'no') =>
      errorTypeOf(errorFromStatus(grpcError(code, details), send));
    expect(typeOf(status.UNAVAILABLE)).toBe('unavailable');
    expect(typeOf(status.DEADLINE_EXCEEDED)).toBe('unavailable');
    expect(typeOf(status.INVALID_ARGUMENT, 'Message size 2048 exceeds maximum allowed 1024')).toBe(
      'oversize',
    );
    expect(typeOf(status.PERMISSION_DENIED, 'Unable to publish the message: topic moving')).toBe(
      'rejected',
    );
    expect(typeOf(status.PERMISSION_DENIED, 'Payload validation failed: expected 8 bytes')).toBe(
      'schema',
    );
  });

  it('never reads the name or the message', () => {
    expect(errorTypeOf(new DanubeConnectError('rejected', 'message too large: 2048 > 1024'))).toBe(
      'rejected',
    );
    expect(errorTypeOf(Object.assign(new Error('late'), { name: 'TimeoutError' }))).toBe(
      'internal',
    );
    expect(errorTypeOf(Object.assign(new Error('x'), { name: 'SchemaValidationError' }))).toBe(
      'internal',
    );
  });

  it('counts what is not ours as internal', () => {
    expect(errorTypeOf(new Error('boom'))).toBe('internal');
    expect(errorTypeOf(Object.assign(new Error('x'), { kind: 'retryable' }))).toBe('internal');
    expect(errorTypeOf('text')).toBe('internal');
    expect(errorTypeOf(undefined)).toBe('internal');
  });
});
