import {
  status,
  type Deadline,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type handleServerStreamingCall,
  type handleUnaryCall,
} from '@grpc/grpc-js';
import type { BrokerCore } from './core.js';
import { BrokerStatusError, statusError, toServiceError } from './status.js';
import type { BrokerMethod } from './types.js';

/** Handler of a unary rpc: returns the response or throws a {@link BrokerStatusError}. */
export type UnaryHandler<Req, Res> = (
  request: Req,
  call: ServerUnaryCall<Req, Res>,
) => Res | Promise<Res>;

/** Extra steps of a unary rpc. */
export interface UnaryOptions<Req> {
  /** Size of the request on the wire, when it may exceed the receive limit. */
  wireSize?: (request: Req) => number | undefined;
  /** Counts the handler (latency included) in the SendMessage concurrency figures. */
  trackConcurrency?: boolean;
  /** Decides when the response (or error) goes out, e.g. held back for reordering. */
  release?: (send: () => void) => void;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** What the pipeline reads of a call, unary or streaming. */
interface AdmittedCall {
  request: unknown;
  metadata: Metadata;
  getDeadline(): Deadline;
}

/** Milliseconds left of a call's deadline; undefined when the client set none. */
function remainingMs(deadline: Deadline): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Checks what every call goes through before its handler: token, size, latency, faults. */
async function admit(
  core: BrokerCore,
  method: BrokerMethod,
  call: AdmittedCall,
  wireSize: number | undefined,
): Promise<void> {
  const { request, metadata } = call;
  core.stats.calls[method] = (core.stats.calls[method] ?? 0) + 1;
  core.events.emit('call', { method, request, timeoutMs: remainingMs(call.getDeadline()) });
  const required = core.requireToken;
  if (required !== undefined) {
    const [auth] = metadata.get('authorization');
    const token =
      typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const accepted =
      token !== undefined && (typeof required === 'string' ? token === required : required(token));
    if (!accepted) {
      throw statusError(
        status.UNAUTHENTICATED,
        auth === undefined ? 'missing authorization token' : 'invalid authorization token',
      );
    }
  }
  if (wireSize !== undefined && wireSize > core.maxReceiveBytes) {
    // tonic's wording and code; grpc-js itself would answer RESOURCE_EXHAUSTED
    throw statusError(
      status.OUT_OF_RANGE,
      `Error, decoded message length too large: found ${wireSize} bytes, the limit is: ${core.maxReceiveBytes} bytes`,
    );
  }
  const latency = core.faults.latencyFor(method);
  if (latency > 0) await delay(latency);
  const failure = core.faults.takeFailure(method);
  if (failure) {
    core.stats.injectedFailures++;
    throw new BrokerStatusError(failure.code, failure.message);
  }
}

/** Wraps a unary handler with the broker's call pipeline (stats, auth, faults, errors). */
export function unary<Req, Res>(
  core: BrokerCore,
  method: BrokerMethod,
  handler: UnaryHandler<Req, Res>,
  options: UnaryOptions<Req> = {},
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const tracked = options.trackConcurrency === true;
    if (tracked) {
      core.stats.concurrentSends++;
      core.stats.peakConcurrentSends = Math.max(
        core.stats.peakConcurrentSends,
        core.stats.concurrentSends,
      );
    }
    const finish = (send: () => void): void => {
      const respond = (): void => {
        if (tracked) core.stats.concurrentSends--;
        send();
      };
      if (options.release) options.release(respond);
      else respond();
    };
    const run = async (): Promise<Res> => {
      await admit(core, method, call, options.wireSize?.(call.request));
      return handler(call.request, call);
    };
    run().then(
      (response) => finish(() => callback(null, response)),
      (error: unknown) => finish(() => callback(toServiceError(error))),
    );
  };
}

/** Wraps a server-streaming handler: admission as for unary calls, errors end the stream. */
export function serverStream<Req, Res>(
  core: BrokerCore,
  method: BrokerMethod,
  handler: (call: ServerWritableStream<Req, Res>) => void,
): handleServerStreamingCall<Req, Res> {
  return (call: ServerWritableStream<Req, Res>) => {
    admit(core, method, call, undefined).then(
      () => {
        try {
          handler(call);
        } catch (error) {
          call.emit('error', toServiceError(error));
        }
      },
      (error: unknown) => call.emit('error', toServiceError(error)),
    );
  };
}
