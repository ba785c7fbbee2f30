import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  isDanubeConnectError,
  type DeliveryResult,
  type SourceSender,
  type TopicRouter,
} from 'danube-connect-core';
import type { Admission } from './admission.js';
import type { Authenticator } from './authenticator.js';
import { eventToRecord, type SchemaType } from './event-to-record.js';
import type { RateLimiter } from './rate-limiter.js';
import { BodyTooLargeError, readBody } from './request-body.js';
import type { WebhookRoute, WebhookSettings } from './settings.js';

/** What the request handler works with; built once by the connector. */
export interface RequestHandlerContext {
  settings: WebhookSettings;
  connectorName: string;
  router: TopicRouter<WebhookRoute>;
  authenticator: Authenticator;
  /** Per route index: the route's own limiter, or the shared `[rate_limit]` one. */
  limiterFor(routeIndex: number): RateLimiter | undefined;
  schemaTypes: ReadonlyMap<string, SchemaType>;
  admission: Admission;
  sender(): SourceSender | undefined;
  now(): number;
}

type Json = Record<string, unknown>;

/**
 * Handles one HTTP request: health endpoints, route lookup, rate limit, body limit,
 * authentication, conversion, and the hand-over to the runtime. Answers 202 only once the
 * event is durably published.
 */
export class RequestHandler {
  private draining = false;

  constructor(private readonly context: RequestHandlerContext) {}

  /** New webhook requests are refused with 503 from now on (the runtime is stopping). */
  drain(): void {
    this.draining = true;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://webhook').pathname;
    if (request.method === 'GET' && path === '/health')
      return reply(response, 200, { status: 'healthy' });
    if (request.method === 'GET' && path === '/ready') {
      const ready = this.context.sender() !== undefined && !this.draining;
      return reply(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready' });
    }
    const route = this.context.router.route(path);
    if (route === undefined)
      return reply(response, 404, problem('not_found', `no route for ${path}`));
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return reply(response, 405, problem('method_not_allowed', `${path} accepts POST only`));
    }
    const sender = this.context.sender();
    if (sender === undefined || this.draining) {
      return unavailable(response, 'the connector is not accepting events right now', true);
    }

    const clientIp = this.clientIp(request);
    const decision = this.context.limiterFor(route.index)?.check(clientIp ?? 'unknown');
    if (decision !== undefined && !decision.allowed) {
      response.setHeader(
        'retry-after',
        String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
      );
      return reply(
        response,
        429,
        problem('rate_limited', `${decision.scope} rate limit exceeded`),
        true,
      );
    }

    let body: Buffer;
    try {
      body = await readBody(request, this.context.settings.server.max_body_size);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return reply(response, 413, problem('payload_too_large', error.message), true);
      }
      throw error;
    }

    const auth = this.context.authenticator.verify({ headers: request.headers, body });
    if (!auth.ok) return reply(response, 401, problem('authentication_failed', auth.reason));

    const conversion = eventToRecord(
      {
        body,
        path,
        connectorName: this.context.connectorName,
        receivedAt: new Date(this.context.now()),
        clientIp,
        userAgent: request.headers['user-agent'],
        contentType: request.headers['content-type'],
      },
      route.topic,
      this.context.schemaTypes.get(route.topic),
    );
    if (!conversion.ok) {
      auth.settle(false);
      return reply(response, 400, problem('invalid_payload', conversion.reason));
    }

    const outcome = await this.publish(sender, conversion.record);
    auth.settle(outcome.status === 202);
    if (outcome.status === 503) response.setHeader('retry-after', '1');
    return reply(response, outcome.status, { ...outcome.body, endpoint: path });
  }

  /** Hands the record over and waits for its fate, bounded by `timeout_seconds`. */
  private async publish(
    sender: SourceSender,
    record: Parameters<SourceSender['send']>[0],
  ): Promise<{ status: 202 | 400 | 503; body: Json }> {
    const { admission, settings } = this.context;
    if (!(await admission.acquire(settings.server.backpressure_timeout_ms))) {
      return {
        status: 503,
        body: problem('backpressure', 'too many events waiting to be published, retry later'),
      };
    }
    let delivered: Promise<DeliveryResult>;
    try {
      delivered = (await sender.send(record)).delivered;
    } catch (error) {
      admission.release();
      return failure(error);
    }
    // The slot is held until the runtime settles the event, even when we stop waiting for it.
    delivered.finally(() => admission.release()).catch(() => {});
    const timeoutMs = settings.server.timeout_seconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    try {
      const result = await Promise.race([delivered, timedOut]);
      if (result === 'timeout') {
        return {
          status: 503,
          body: problem(
            'publish_timeout',
            `not confirmed within ${settings.server.timeout_seconds}s; it may still be published`,
          ),
        };
      }
      if (result.status === 'published') {
        return {
          status: 202,
          body: { status: 'accepted', topic: result.topic, request_id: result.requestId },
        };
      }
      return failure(result.error, result.status);
    } catch (error) {
      return failure(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private clientIp(request: IncomingMessage): string | undefined {
    if (this.context.settings.server.trust_proxy) {
      const forwarded = request.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first !== undefined && first !== '') return first;
    }
    return request.socket.remoteAddress;
  }
}

/** 400 for data the schema refused (the sender must fix it), 503 for everything else. */
function failure(
  error: unknown,
  outcome?: 'skipped' | 'dead_lettered',
): { status: 400 | 503; body: Json } {
  const message = error instanceof Error ? error.message : String(error);
  const extra = outcome === undefined ? {} : { outcome };
  if (isDanubeConnectError(error, 'invalid_data') || isDanubeConnectError(error, 'schema'))
    return { status: 400, body: { ...problem('invalid_payload', message), ...extra } };
  if (isDanubeConnectError(error, 'stopping')) {
    return { status: 503, body: problem('stopping', 'the connector is stopping, retry later') };
  }
  return { status: 503, body: { ...problem('not_published', message), ...extra } };
}

function problem(error: string, message: string): Json {
  return { error, message };
}

function unavailable(response: ServerResponse, message: string, close: boolean): void {
  response.setHeader('retry-after', '1');
  reply(response, 503, problem('unavailable', message), close);
}

function reply(response: ServerResponse, status: number, body: Json, close = false): void {
  // Closing after an early refusal saves reading a body nobody wants (413, 429, 503).
  if (close) response.setHeader('connection', 'close');
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
