import { describe, expect, it } from 'vitest';
import { DanubeConnectError, ERROR_KINDS, isDanubeConnectError } from '../../src/errors.js';

describe('DanubeConnectError', () => {
  it('carries its kind, cause and context', () => {
    const cause = new Error('ENOENT');
    const error = new DanubeConnectError('config', 'cannot read the schema file', {
      cause,
      topic: '/default/events',
      keyPath: 'schemas[0].schema_file',
      offset: 'orders@42',
      file: 'schemas/event.json',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'DanubeConnectError',
      kind: 'config',
      message: 'cannot read the schema file',
      cause,
      topic: '/default/events',
      keyPath: 'schemas[0].schema_file',
      offset: 'orders@42',
      file: 'schemas/event.json',
    });
  });

  it('is retryable exactly for the temporary kinds', () => {
    const retryable = ERROR_KINDS.filter((kind) => new DanubeConnectError(kind, 'x').retryable);
    expect(retryable).toEqual(['retryable', 'unavailable', 'rejected']);
  });
});

describe('isDanubeConnectError', () => {
  it('recognizes our errors, optionally of one kind', () => {
    const error = new DanubeConnectError('timeout', 'late');
    expect(isDanubeConnectError(error)).toBe(true);
    expect(isDanubeConnectError(error, 'timeout')).toBe(true);
    expect(isDanubeConnectError(error, 'fatal')).toBe(false);
    expect(isDanubeConnectError(new Error('late'))).toBe(false);
    expect(isDanubeConnectError(Object.assign(new Error('late'), { kind: 'timeout' }))).toBe(false);
    expect(isDanubeConnectError(undefined)).toBe(false);
    expect(isDanubeConnectError('timeout')).toBe(false);
  });

  it('recognizes errors from another copy of the package', () => {
    // A second copy (e.g. a connector library with its own node_modules) has its own class;
    // the brand it puts on its errors is the same registered symbol.
    class OtherCopyError extends Error {
      readonly kind = 'unavailable' as const;
      get [Symbol.for('danube-connect-core.error')](): true {
        return true;
      }
    }
    expect(isDanubeConnectError(new OtherCopyError('gone'), 'unavailable')).toBe(true);
  });
});
