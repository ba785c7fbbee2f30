import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DanubeClient, type Producer } from '../../src/client/index.js';
import { danubeErrorOf } from './core-suite.js';
import {
  GRPC_HEADERS,
  grpcFrame,
  startScriptedServer,
  type ScriptedServer,
} from './support/scripted-server.js';
import { danubeServices } from '../../src/client/proto.js';

const SEND_PATH = '/danube.ProducerService/SendMessage';

describe('DanubeClient reading gRPC responses off the wire (scripted HTTP/2 server)', () => {
  let server: ScriptedServer;
  let client: DanubeClient;
  let producer: Producer;

  beforeEach(async () => {
    server = await startScriptedServer();
    client = await DanubeClient.connect({
      serviceUrl: server.url,
      retry: false,
      requestTimeoutMs: 5_000,
    });
    producer = await client.createProducer({ topic: '/default/wire', name: 'wire' });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('sends the request headers and framing a gRPC server checks', async () => {
    await producer.send(Buffer.from('framed'), { key: 'k' });
    const sent = server.requests.find((r) => r.path === SEND_PATH);
    expect(sent?.headers[':method']).toBe('POST');
    expect(sent?.headers['content-type']).toMatch(/^application\/grpc(\+proto)?$/);
    expect(sent?.headers['te']).toBe('trailers');
    // grpc-timeout: at most 8 digits and a unit, and no more than the request timeout
    const timeout = /^(\d{1,8})([HMSmun])$/.exec(String(sent?.headers['grpc-timeout']));
    expect(timeout).not.toBeNull();
    const unitMs = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };
    const ms = Number(timeout?.[1]) * unitMs[(timeout?.[2] ?? 'm') as keyof typeof unitMs];
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(5_000);
    expect(sent?.compressedFlag).toBe(0);
    expect(sent?.message).toMatchObject({ payload: Buffer.from('framed'), routing_key: 'k' });
  });

  it('reads the status of a trailers-only response (no response headers, no body)', async () => {
    server.onSend((stream) =>
      stream.respond(
        { ...GRPC_HEADERS, 'grpc-status': String(status.UNAVAILABLE), 'grpc-message': 'moving' },
        { endStream: true },
      ),
    );
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error).toMatchObject({ kind: 'unavailable', code: status.UNAVAILABLE, retryable: true });
    expect(error.message).toContain('UNAVAILABLE: moving');
  });

  it('reads the status from trailers sent after response headers', async () => {
    server.onSend((stream) => {
      stream.respond(GRPC_HEADERS, { waitForTrailers: true });
      stream.once('wantTrailers', () =>
        stream.sendTrailers({
          'grpc-status': String(status.FAILED_PRECONDITION),
          'grpc-message': 'strategy mismatch',
        }),
      );
      stream.end();
    });
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error).toMatchObject({ kind: 'config', retryable: false });
    expect(error.message).toContain('FAILED_PRECONDITION: strategy mismatch');
  });

  it('reassembles a response split over many DATA frames', async () => {
    const encode = danubeServices().ProducerService.service['SendMessage']?.responseSerialize;
    server.onSend((stream, request) => {
      const frame = grpcFrame(encode?.({ request_id: request.request_id }) ?? Buffer.alloc(0));
      stream.respond(GRPC_HEADERS, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      for (let i = 0; i < frame.length; i++) stream.write(frame.subarray(i, i + 1));
      stream.end();
    });
    const receipt = await producer.send(Buffer.from('x'));
    expect(receipt.requestId).toMatch(/^\d+$/);
  });

  it.each([
    ['tonic (encodes #, ? and %)', 'disk%2095%25%20full%3F%20see%20%233%20%E2%80%94%20na%C3%AFve'],
    ['older tonic (leaves % alone)', 'disk%2095%%20full%3F%20see%20%233%20%E2%80%94%20na%C3%AFve'],
    ['grpc-js (encodeURI)', encodeURI('disk 95% full? see #3 — naïve')],
  ])('decodes a percent-encoded grpc-message as %s writes it', async (_server, raw) => {
    server.onSend((stream) =>
      stream.respond(
        { ...GRPC_HEADERS, 'grpc-status': String(status.PERMISSION_DENIED), 'grpc-message': raw },
        { endStream: true },
      ),
    );
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error.message).toContain('PERMISSION_DENIED: disk 95% full? see #3 — naïve');
  });

  it('keeps a grpc-message that is not valid percent-encoding as it came', async () => {
    server.onSend((stream) =>
      stream.respond(
        { ...GRPC_HEADERS, 'grpc-status': String(status.INTERNAL), 'grpc-message': '100%ZZ %C3' },
        { endStream: true },
      ),
    );
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error.message).toContain('INTERNAL: 100%ZZ %C3');
  });

  it('maps an HTTP error without grpc-status to its gRPC code (503 → UNAVAILABLE)', async () => {
    server.onSend((stream) =>
      stream.respond({ ':status': 503, 'content-type': 'text/plain' }, { endStream: true }),
    );
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error).toMatchObject({ kind: 'unavailable', code: status.UNAVAILABLE, retryable: true });
  });

  it('fails a call the server ends with OK but without a response message', async () => {
    server.onSend((stream) =>
      stream.respond({ ...GRPC_HEADERS, 'grpc-status': '0' }, { endStream: true }),
    );
    const error = await danubeErrorOf(producer.send(Buffer.from('x')));
    expect(error).toMatchObject({ kind: 'internal', retryable: false });
  });
});
