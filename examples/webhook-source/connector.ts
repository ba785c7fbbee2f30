import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  ConnectorError,
  SourceConnector,
  TopicRouter,
  defineConnector,
  type ConnectorConfig,
  type ProducerConfig,
  type SourceSender,
} from 'danube-connect-core';
import { connectorLog, type ConnectorLog } from '../shared/connector-log.js';
import { Admission } from './admission.js';
import { createAuthenticator } from './authenticator.js';
import type { SchemaType } from './event-to-record.js';
import { RateLimiter, type Clock } from './rate-limiter.js';
import { RequestHandler } from './request-handler.js';
import { webhookSettings, type WebhookRoute, type WebhookSettings } from './settings.js';

export type { ConnectorLog } from '../shared/connector-log.js';

/** Options of {@link WebhookSourceConnector} beyond its settings. */
export interface WebhookSourceOptions {
  /** Where `[auth] secret_env` is looked up; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Time source of signatures, tokens and rate limits; default `Date.now`. */
  now?: Clock;
  log?: ConnectorLog;
}

/**
 * HTTP webhooks → Danube, streaming. Each `[[routes]]` path accepts POSTed events for one
 * Danube topic. A request is answered 202 only once its event is durably published;
 * 400 (invalid JSON, schema refusal), 401, 404, 413, 429 and 503 (backpressure, stopping,
 * publish not confirmed in time) otherwise. `GET /health` and `GET /ready` are always served.
 */
export class WebhookSourceConnector extends SourceConnector {
  private readonly router: TopicRouter<WebhookRoute>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: Clock;
  private log: ConnectorLog;
  private server: Server | undefined;
  private handler: RequestHandler | undefined;
  private sender: SourceSender | undefined;
  private markListening: (address: AddressInfo) => void = () => {};
  /** Resolves with the bound address once the server accepts events (its port when `port = 0`). */
  readonly listening = new Promise<AddressInfo>((resolve) => (this.markListening = resolve));

  constructor(
    private readonly settings: WebhookSettings,
    private readonly options: WebhookSourceOptions = {},
  ) {
    super();
    this.router = new TopicRouter(settings.routes, { path: 'routes' });
    this.env = options.env ?? process.env;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? console;
  }

  override mode(): 'streaming' {
    return 'streaming';
  }

  /** Builds authentication, rate limits and the HTTP server (it listens once streaming starts). */
  override initialize(core: ConnectorConfig): Promise<void> {
    this.log = this.options.log ?? connectorLog(core, 'webhook');
    const schemaTypes = new Map<string, SchemaType>(
      core.schemas.map((s) => [s.topic, s.schema_type]),
    );
    const authenticator = createAuthenticator(this.settings.auth, {
      env: this.env,
      now: this.now,
      readFile: (path) => readFileSync(resolve(core.config_dir, path)),
    });
    const shared = this.settings.rate_limit && new RateLimiter(this.settings.rate_limit, this.now);
    const perRoute = this.settings.routes.map((route) =>
      route.rate_limit === undefined ? shared : new RateLimiter(route.rate_limit, this.now),
    );
    if (core.processing.failure_policy === 'fail' && schemaTypes.size > 0) {
      this.log.warn(
        'processing.failure_policy = "fail": one event refused by its schema stops the connector; "skip" or "dead_letter" answer 400 and go on',
      );
    }
    this.handler = new RequestHandler({
      settings: this.settings,
      connectorName: core.connector_name,
      router: this.router,
      authenticator,
      limiterFor: (index) => perRoute[index],
      schemaTypes,
      admission: new Admission(core.processing.buffer_size),
      sender: () => this.sender,
      now: this.now,
    });
    this.server = this.createServer(core.config_dir, this.handler);
    return Promise.resolve();
  }

  override producerConfigs(): ProducerConfig[] {
    return this.router.producerConfigs();
  }

  /** Starts listening; from the moment `signal` aborts, new events get 503. */
  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    const server = this.server;
    if (server === undefined) throw ConnectorError.fatal('startStreaming() before initialize()');
    this.sender = sender;
    signal.addEventListener('abort', () => this.handler?.drain(), { once: true });
    const { host, port } = this.settings.server;
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (cause) =>
        reject(ConnectorError.fatal(`[server] cannot listen on ${host}:${port}`, { cause })),
      );
      server.listen(port, host, resolveListen);
    });
    const address = server.address() as AddressInfo;
    this.log.info(`webhook server listening on ${host}:${address.port}`);
    this.markListening(address);
  }

  /** Healthy while the HTTP server listens. */
  override healthCheck(): Promise<void> {
    return this.server?.listening === true
      ? Promise.resolve()
      : Promise.reject(ConnectorError.retryable('webhook HTTP server is not listening'));
  }

  /** Stops the HTTP server; requests still open are answered first. */
  override async shutdown(): Promise<void> {
    this.handler?.drain();
    const server = this.server;
    this.server = undefined;
    if (server === undefined || !server.listening) return;
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeIdleConnections();
    });
  }

  private createServer(configDir: string, handler: RequestHandler): Server {
    const { tls_cert_path: cert, tls_key_path: key, timeout_seconds } = this.settings.server;
    const listener = (
      request: Parameters<RequestHandler['handle']>[0],
      response: Parameters<RequestHandler['handle']>[1],
    ): void => {
      handler.handle(request, response).catch((error: unknown) => {
        this.log.error(`webhook request failed: ${String(error)}`);
        if (!response.headersSent) response.writeHead(500).end();
        else response.destroy();
      });
    };
    if ((cert === undefined) !== (key === undefined)) {
      throw ConnectorError.config('[server] tls_cert_path and tls_key_path must be set together');
    }
    const server =
      cert !== undefined && key !== undefined
        ? createHttpsServer(
            {
              cert: readTlsFile(configDir, 'tls_cert_path', cert),
              key: readTlsFile(configDir, 'tls_key_path', key),
            },
            listener,
          )
        : createHttpServer(listener);
    // Reading the request must not take longer than answering it may.
    server.requestTimeout = (timeout_seconds + 5) * 1000;
    return server;
  }
}

function readTlsFile(configDir: string, key: string, path: string): Buffer {
  try {
    return readFileSync(resolve(configDir, path));
  } catch (cause) {
    throw ConnectorError.config(`[server] ${key} ${path}: cannot read the file`, { cause });
  }
}

/** The runnable module: `danube-connect run examples/webhook-source/connector.ts`. */
export default defineConnector({
  settings: webhookSettings,
  create: (config) => new WebhookSourceConnector(config),
  // the key named by [auth] secret_env is no declared setting: redact it too
  secrets: (config) => {
    const name = config.auth.secret_env;
    return [name === undefined ? '' : (process.env[name] ?? '')];
  },
});
