import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DanubeError, resolveRetry, withRetry } from '../../src/client/index.js';
import { errorFromStatus } from '../../src/client/status.js';

const FAST = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 2, factor: 1, randomize: false };

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
}

function failing(errors: DanubeError[]): { attempts: () => number; run: () => Promise<string> } {
  let calls = 0;
  return {
    attempts: () => calls,
    run: () => {
      const error = errors[calls++];
      return error ? Promise.reject(error) : Promise.resolve('ok');
    },
  };
}

describe('status mapping', () => {
  const send = { operation: 'SendMessage', topic: '/default/t', producer: 'p' };

  it.each([
    [status.UNAVAILABLE, 'unavailable', true],
    [status.RESOURCE_EXHAUSTED, 'unavailable', true],
    [status.DEADLINE_EXCEEDED, 'unavailable', true],
    [status.PERMISSION_DENIED, 'rejected', true],
    [status.CANCELLED, 'unavailable', true],
    [status.INVALID_ARGUMENT, 'oversize', false],
    [status.OUT_OF_RANGE, 'oversize', false],
    [status.FAILED_PRECONDITION, 'config', false],
    [status.ALREADY_EXISTS, 'config', false],
    [status.UNAUTHENTICATED, 'config', false],
    [status.INTERNAL, 'internal', false],
    [status.UNKNOWN, 'internal', false],
  ] as const)('SendMessage %s → kind %s, retryable %s', (code, kind, retryable) => {
    const error = errorFromStatus(grpcError(code, 'boom'), send);
    expect(error).toMatchObject({ kind, retryable, code, topic: '/default/t', producer: 'p' });
    expect(error.message).toContain('/default/t');
    expect(error.message).toContain(status[code]);
  });

  it('maps NOT_FOUND to not_found, or to the kind the call gives it', () => {
    expect(
      errorFromStatus(grpcError(status.NOT_FOUND, 'no'), { operation: 'GetSchema' }),
    ).toMatchObject({ kind: 'not_found', retryable: false });
    const error = errorFromStatus(grpcError(status.NOT_FOUND, 'The producer with id 1'), {
      ...send,
      notFoundKind: 'unavailable',
    });
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
  });

  it('maps INVALID_ARGUMENT outside sends to config (a topic name, a mode)', () => {
    const error = errorFromStatus(grpcError(status.INVALID_ARGUMENT, 'bad topic'), {
      operation: 'CreateProducer',
    });
    expect(error).toMatchObject({ kind: 'config', retryable: false });
  });

  it('maps INTERNAL to the kind the call gives it (the registry refusing a schema)', () => {
    const error = errorFromStatus(grpcError(status.INTERNAL, 'not compatible'), {
      operation: 'RegisterSchema',
      internalKind: 'schema',
    });
    expect(error).toMatchObject({ kind: 'schema', retryable: false });
  });

  it.each([
    'Unable to publish the message: Payload validation failed: expected 8 bytes',
    "Unable to publish the message: Schema subject mismatch for topic /default/t: message schema_id=1 belongs to subject 'a', but topic requires 'b'",
    'Unable to publish the message: Message missing schema_id for topic /default/t (expected subject: s)',
    'Unable to publish the message: Topic /default/t requires schema but none is configured',
  ])('does not retry the broker schema refusal "%s"', (details) => {
    const error = errorFromStatus(grpcError(status.PERMISSION_DENIED, details), send);
    expect(error).toMatchObject({ kind: 'schema', retryable: false });
    expect(error.message).toContain(details);
  });

  it('reports PERMISSION_DENIED outside sends as a set-up problem (config), not retried', () => {
    const error = errorFromStatus(grpcError(status.PERMISSION_DENIED, 'no'), {
      operation: 'CreateProducer',
    });
    expect(error).toMatchObject({ kind: 'config', retryable: false });
  });

  it('reports a missing namespace by name as a configuration error, not retryable', () => {
    const error = errorFromStatus(
      grpcError(status.UNAVAILABLE, 'Unable to find the namespace iot'),
      { operation: 'CreateProducer', topic: '/iot/sensors', producer: 'p' },
    );
    expect(error).toMatchObject({ kind: 'config', retryable: false });
    expect(error.message).toMatch(/namespace "iot" does not exist.*\/iot\/sensors/);
  });
});

describe('withRetry', () => {
  const unavailable = (): DanubeError =>
    new DanubeError('down', { kind: 'unavailable', code: status.UNAVAILABLE });

  it('retries retryable errors until success', async () => {
    const op = failing([unavailable(), unavailable()]);
    await expect(withRetry(op.run, { policy: resolveRetry(FAST) })).resolves.toBe('ok');
    expect(op.attempts()).toBe(3);
  });

  it('gives up after the configured retries with the last error', async () => {
    const op = failing([unavailable(), unavailable(), unavailable(), unavailable(), unavailable()]);
    await expect(withRetry(op.run, { policy: resolveRetry(FAST) })).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(op.attempts()).toBe(4);
  });

  it.each([
    status.INVALID_ARGUMENT,
    status.OUT_OF_RANGE,
    status.FAILED_PRECONDITION,
    status.INTERNAL,
  ])('never retries %s', async (code) => {
    const error = errorFromStatus(grpcError(code, 'bad'), { operation: 'SendMessage' });
    const op = failing([error]);
    await expect(withRetry(op.run, { policy: resolveRetry(FAST) })).rejects.toBe(error);
    expect(op.attempts()).toBe(1);
  });

  it('makes a single attempt when switched off', async () => {
    const op = failing([unavailable()]);
    await expect(withRetry(op.run, { policy: resolveRetry(false) })).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(op.attempts()).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new DanubeError('closed', { kind: 'stopping' });
    const op = failing([unavailable(), unavailable(), unavailable()]);
    const run = withRetry(op.run, {
      policy: resolveRetry({ retries: 5, minTimeoutMs: 60_000, randomize: false }),
      signal: controller.signal,
      onRetry: () => controller.abort(reason),
    });
    await expect(run).rejects.toBe(reason);
  });

  it('fills defaults: 5 retries from 200 ms up to 5 s, jittered', () => {
    expect(resolveRetry(undefined)).toEqual({
      retries: 5,
      minTimeoutMs: 200,
      maxTimeoutMs: 5_000,
      factor: 2,
      randomize: true,
    });
    expect(resolveRetry({ retries: 2, factor: undefined }).factor).toBe(2);
  });
});
