/**
 * A gRPC server written directly on `node:http2`, for wire-level client tests: it answers
 * TopicLookup, CreateProducer and HealthCheck like a broker, and SendMessage with whatever
 * HTTP/2 shape a test scripts (trailers-only status, headers then trailers, a response split
 * over DATA frames, raw `grpc-message` bytes, a bare HTTP error). Unlike the embedded broker
 * (grpc-js), nothing here normalises what goes on the wire.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { MethodDefinition } from '@grpc/grpc-js';
import { danubeServices } from '../../../src/client/proto.js';
import type { MessageResponseMsg, StreamMessageMsg } from '../../../src/client/wire.js';

/** A request as it arrived: its headers and its one decoded message. */
export interface ScriptedRequest {
  path: string;
  headers: http2.IncomingHttpHeaders;
  /** The length-prefixed frame's flag byte (0 = uncompressed). */
  compressedFlag: number;
  message: unknown;
}

/** Answers one SendMessage; `ok` writes the normal response. */
export type SendScript = (
  stream: http2.ServerHttp2Stream,
  request: StreamMessageMsg,
  ok: () => void,
) => void;

/** The scripted server and what it saw. */
export interface ScriptedServer {
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: ScriptedRequest[];
  /** How SendMessage is answered from now on (default: the normal response). */
  onSend(script: SendScript): void;
  close(): Promise<void>;
}

/** `application/grpc` response headers. */
export const GRPC_HEADERS = { ':status': 200, 'content-type': 'application/grpc' } as const;

/** A length-prefixed gRPC message frame. */
export function grpcFrame(message: Buffer): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

type Codec = { decode(bytes: Buffer): unknown; encode(value: unknown): Buffer };

function methodCodecs(): Map<string, Codec> {
  const services = danubeServices();
  const codecs = new Map<string, Codec>();
  for (const service of Object.values(services) as Array<(typeof services)['Discovery']>) {
    const definitions = Object.values(service.service) as Array<MethodDefinition<unknown, unknown>>;
    for (const definition of definitions) {
      codecs.set(definition.path, {
        decode: (bytes) => definition.requestDeserialize(bytes),
        encode: (value) => definition.responseSerialize(value),
      });
    }
  }
  return codecs;
}

/** Starts the scripted server on 127.0.0.1 (plain text). */
export async function startScriptedServer(): Promise<ScriptedServer> {
  const codecs = methodCodecs();
  const requests: ScriptedRequest[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  let script: SendScript | undefined;
  let url = '';
  const server = http2.createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      const codec = codecs.get(path);
      if (codec === undefined || body.length < 5) {
        stream.respond({ ...GRPC_HEADERS, 'grpc-status': '12' }, { endStream: true });
        return;
      }
      const message = codec.decode(body.subarray(5, 5 + body.readUInt32BE(1)));
      requests.push({ path, headers, compressedFlag: body[0] ?? 0, message });
      const reply = (response: unknown): void => {
        stream.respond(GRPC_HEADERS, { waitForTrailers: true });
        stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(grpcFrame(codec.encode(response)));
      };
      const request = message as { request_id?: string; producer_name?: string };
      switch (path) {
        case '/danube.Discovery/TopicLookup':
          reply({
            request_id: request.request_id,
            response_type: 'Connect',
            connect_url: url,
            broker_url: url,
            proxy: false,
          });
          return;
        case '/danube.ProducerService/CreateProducer':
          reply({
            request_id: request.request_id,
            producer_id: '1',
            producer_name: request.producer_name,
          });
          return;
        case '/danube.HealthCheck/HealthCheck':
          reply({ status: 'OK' });
          return;
        case '/danube.ProducerService/SendMessage': {
          const ok = (): void =>
            reply({ request_id: request.request_id ?? '' } satisfies MessageResponseMsg);
          if (script === undefined) ok();
          else script(stream, message as StreamMessageMsg, ok);
          return;
        }
        default:
          stream.respond({ ...GRPC_HEADERS, 'grpc-status': '12' }, { endStream: true });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    onSend: (next) => {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
