import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import type { RuntimeState } from './state.js';

/** Options for {@link startHttpServer}. */
export interface HttpServerOptions {
  /** Port to listen on (`processing.metrics_port`); 0 picks a free port. */
  port: number;
  /** Interface to bind. Default `0.0.0.0` (all IPv4 interfaces, as a pod needs). */
  host?: string;
  /** Status and readiness source. */
  state: RuntimeState;
  /** Metrics to serve on `/metrics`. */
  metrics: RuntimeMetrics;
  /** Logs the bound address and request failures. */
  logger: Logger;
}

/** A running observability server. */
export interface HttpServer {
  /** The bound port (the real one when 0 was asked). */
  readonly port: number;
  /** The bound host. */
  readonly host: string;
  /** `http://host:port` for clients (a wildcard host is shown as 127.0.0.1). */
  readonly url: string;
  /** Stops listening and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Starts the health, readiness, metrics and status endpoints on node:http:
 *
 * - `GET /healthz` → 200 `{"status":"alive"}` while the process serves requests.
 * - `GET /readyz` → 200 `{"ready":true,"reasons":[]}` when connected, producers created,
 *   connector healthy and not stopping; otherwise 503 with the reasons.
 * - `GET /metrics` → Prometheus text (content type from prom-client).
 * - `GET /status` → the JSON {@link RuntimeState.snapshot}, secrets redacted.
 * - `HEAD` is accepted wherever `GET` is; other methods → 405 with `Allow`; other paths → 404.
 *
 * @example
 * ```ts
 * const http = await startHttpServer({ port: core.processing.metrics_port, state, metrics, logger });
 * // … on shutdown:
 * await http.close();
 * ```
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { state, metrics } = options;
  const logger = options.logger.child({ component: 'http' });
  const host = options.host ?? '0.0.0.0';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, path: req.url }, 'observability request failed');
      if (!res.headersSent) send(res, 500, JSON_TYPE, json({ error: 'internal error' }));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = ROUTES.has(path) ? path : undefined;
    if (route === undefined) {
      send(res, 404, JSON_TYPE, json({ error: `not found: ${path}` }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, JSON_TYPE, json({ error: `method ${req.method ?? '?'} not allowed` }));
      return;
    }
    switch (route) {
      case '/healthz':
        send(res, 200, JSON_TYPE, json({ status: 'alive' }));
        return;
      case '/readyz': {
        const readiness = state.readiness();
        send(res, readiness.ready ? 200 : 503, JSON_TYPE, redacted(json(readiness)));
        return;
      }
      case '/metrics':
        send(res, 200, metrics.contentType, await metrics.text());
        return;
      case '/status':
        send(res, 200, JSON_TYPE, redacted(json(state.snapshot())));
        return;
    }
  }

  const redacted = (body: string): string => state.redactor.redact(body);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'observability server error'));

  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`;
  logger.info({ port: address.port, host, url }, `observability endpoints listening on ${url}`);

  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    host,
    url,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

const ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics', '/status']);

function json(value: unknown): string {
  return JSON.stringify(value);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
