import { request as httpRequest } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status as grpcStatus } from '@grpc/grpc-js';
import { startBroker, type EmbeddedBroker } from 'danube-connect-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfig, type TomlPatch } from '../shared/example-config.js';
import { startRuntime, type RunningRuntime } from '../shared/run-runtime.js';
import { WebhookSourceConnector } from './connector.js';
import { signatureHeader } from './hmac-signature.js';
import { signHs256 } from './jwt.js';
import { webhookSettings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));
const SECRET = 'whsec_e2e';
const NOW_S = 1_750_000_000;
const PAYMENTS = '/payments/events';
const AUDIT = '/payments/audit';
const silent = { info: () => {}, warn: () => {}, error: () => {} };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

interface Harness {
  broker: EmbeddedBroker;
  running: RunningRuntime;
  post: (path: string, body: string | Buffer, headers?: Record<string, string>) => Promise<Reply>;
  get: (path: string) => Promise<Reply>;
  signed: (path: string, body: string, at?: number) => Promise<Reply>;
}

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.running.stop();
  await harness?.broker.close();
  harness = undefined;
});

/**
 * The example's connector.toml (HMAC auth, rate limits, two routes, a JSON Schema) on an
 * embedded broker, a free port, and a frozen clock so signatures and rate limits are exact.
 */
async function start(patch: TomlPatch = {}, env: Record<string, string> = {}): Promise<Harness> {
  const broker = await startBroker({ namespaces: ['payments'] });
  const fullEnv = {
    DANUBE_SERVICE_URL: broker.url,
    SERVER_PORT: '0',
    WEBHOOK_SECRET: SECRET,
    ...env,
  };
  const config = exampleConfig(webhookSettings, here, { env: fullEnv, patch });
  const connector = new WebhookSourceConnector(config, {
    env: fullEnv,
    now: () => NOW_S * 1000,
    log: silent,
  });
  const running = startRuntime(connector, config.core);
  const { port } = await Promise.race([connector.listening, running.finished.then(() => never())]);
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    send(port, 'POST', path, body, headers);
  harness = {
    broker,
    running,
    post,
    get: (path) => send(port, 'GET', path, '', {}),
    signed: (path, body, at = NOW_S) =>
      post(path, body, { 'x-webhook-signature': signatureHeader('sha256', SECRET, at, body) }),
  };
  return harness;
}

function firstCall(broker: EmbeddedBroker, method: string): Promise<void> {
  return new Promise((resolve) => {
    const onCall = (event: { method: string }): void => {
      if (event.method !== method) return;
      broker.off('call', onCall);
      resolve();
    };
    broker.on('call', onCall);
  });
}

function never(): never {
  throw new Error('the runtime stopped before the webhook server listened');
}

/** POSTs with node:http, reading the answer even when the server stops reading the body early. */
function send(
  port: number,
  method: string,
  path: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    let answered = false;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { 'content-type': 'application/json', 'content-length': bytes.length, ...headers },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(bytes);
  });
}

const payment = (id: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ id, type: 'payment.succeeded', amount: 1200, currency: 'EUR', ...extra });

describe('webhook-source example (embedded broker, real HTTP)', () => {
  it('answers 202 only once the event is durably published, even through broker retries', async () => {
    const { broker, signed } = await start({ retry: { retry_backoff_ms: 20 } });
    broker.faults.failNext('SendMessage', 2, grpcStatus.UNAVAILABLE, 'broker restarting');

    const reply = await signed('/webhooks/payments', payment('evt_1'));

    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ status: 'accepted', endpoint: '/webhooks/payments' });
    // Already stored when the 202 arrived: no waiting needed.
    const stored = broker
      .topics()
      .flatMap((topic) => (topic.startsWith(PAYMENTS) ? broker.messages(topic) : []));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.payload.toString()).toBe(payment('evt_1'));
    expect(stored[0]?.attributes).toMatchObject({
      'webhook.source': 'webhook-payments',
      'webhook.endpoint': '/webhooks/payments',
      'webhook.ip': '127.0.0.1',
    });
    expect(broker.stats().injectedFailures).toBe(2);
  });

  it('refuses a bad signature, a stale timestamp and a missing signature with 401', async () => {
    const { broker, post, signed } = await start();
    const body = payment('evt_2');

    const wrongSecret = await post('/webhooks/payments', body, {
      'x-webhook-signature': signatureHeader('sha256', 'not-the-secret', NOW_S, body),
    });
    const tampered = await post('/webhooks/payments', payment('evt_2', { amount: 1 }), {
      'x-webhook-signature': signatureHeader('sha256', SECRET, NOW_S, body),
    });
    const stale = await signed('/webhooks/payments', body, NOW_S - 301);
    const unsigned = await post('/webhooks/payments', body);

    expect([wrongSecret.status, tampered.status, stale.status, unsigned.status]).toEqual([
      401, 401, 401, 401,
    ]);
    expect(wrongSecret.body).toEqual({
      error: 'authentication_failed',
      message: 'signature mismatch',
    });
    expect(stale.body.message).toBe('signature timestamp outside the tolerance of 300s');
    expect(unsigned.body.message).toBe('missing signature header');
    expect(broker.stats().calls.SendMessage ?? 0).toBe(0);
  });

  it('refuses a replayed request: same signature, one message', async () => {
    const { broker, post } = await start();
    const body = payment('evt_3');
    const headers = { 'x-webhook-signature': signatureHeader('sha256', SECRET, NOW_S, body) };

    const first = await post('/webhooks/payments', body, headers);
    const replay = await post('/webhooks/payments', body, headers);

    expect(first.status).toBe(202);
    expect(replay.status).toBe(401);
    expect(replay.body.message).toBe('replayed request: this signature was already used');
    expect(broker.stats().storedMessages).toBe(1);
  });

  it('answers 400 with the reason for invalid JSON and for events its schema refuses', async () => {
    const { broker, signed } = await start();

    const notJson = await signed('/webhooks/payments', '{"id": "evt_4",');
    const badEvent = await signed('/webhooks/payments', payment('evt_5', { currency: 'euro' }));

    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toBe('invalid_payload');
    expect(String(notJson.body.message)).toMatch(/^invalid JSON: /);
    expect(badEvent.status).toBe(400);
    expect(String(badEvent.body.message)).toContain('currency');
    expect(broker.stats().storedMessages).toBe(0);
  });

  it('answers 413 for a body over max_body_size without reading it', async () => {
    const { broker, signed } = await start({ server: { max_body_size: 1024 } });

    const reply = await signed('/webhooks/payments', payment('evt_6', { note: 'x'.repeat(2048) }));

    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({
      error: 'payload_too_large',
      message: 'request body exceeds 1024 bytes',
    });
    expect(broker.stats().storedMessages).toBe(0);
  });

  it('answers 429 with Retry-After once a route burns its token bucket', async () => {
    // [routes.rate_limit] of /webhooks/audit: 10/s, burst 20; the frozen clock never refills.
    const { broker, signed } = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await signed('/webhooks/audit', JSON.stringify({ seq: i }))).status);
    const limited = await signed('/webhooks/audit', JSON.stringify({ seq: 99 }));

    expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.body).toEqual({ error: 'rate_limited', message: 'global rate limit exceeded' });
    expect(broker.messages(AUDIT)).toHaveLength(20);
  });

  it('answers 503 instead of hanging when the runtime has no room for more events', async () => {
    const { broker, signed } = await start({
      processing: { buffer_size: 1 },
      server: { backpressure_timeout_ms: 50 },
    });
    broker.faults.latency(1000, 'SendMessage');

    const slow = signed('/webhooks/audit', JSON.stringify({ seq: 1 }));
    await firstCall(broker, 'SendMessage');
    const refused = await signed('/webhooks/audit', JSON.stringify({ seq: 2 }));

    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('backpressure');
    expect(refused.headers['retry-after']).toBe('1');
    expect((await slow).status).toBe(202);
    expect(broker.messages(AUDIT).map((m) => m.payload.toString())).toEqual(['{"seq":1}']);
  });

  it('accepts API keys when [auth] type = "api_key"', async () => {
    const { post } = await start(
      { auth: { type: 'api_key', secret_env: 'HOOK_KEY', header: 'x-api-key' } },
      { HOOK_KEY: 'k-123' },
    );

    expect((await post('/webhooks/audit', '{}', { 'x-api-key': 'k-123' })).status).toBe(202);
    expect((await post('/webhooks/audit', '{}', { 'x-api-key': 'k-124' })).status).toBe(401);
  });

  it('accepts HS256 JWTs when [auth] type = "jwt", checking exp', async () => {
    const { post } = await start(
      { auth: { type: 'jwt', secret_env: 'JWT_SECRET' } },
      { JWT_SECRET: 'jwt-secret' },
    );
    const valid = signHs256({ sub: 'psp', exp: NOW_S + 60 }, 'jwt-secret');
    const expired = signHs256({ sub: 'psp', exp: NOW_S - 120 }, 'jwt-secret');

    expect((await post('/webhooks/audit', '{}', { authorization: `Bearer ${valid}` })).status).toBe(
      202,
    );
    const refused = await post('/webhooks/audit', '{}', { authorization: `Bearer ${expired}` });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('token expired');
  });

  it('serves /health and /ready, 404 for unknown paths and 405 for other methods', async () => {
    const { post, get } = await start();
    expect(await get('/health')).toMatchObject({ status: 200, body: { status: 'healthy' } });
    expect(await get('/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect((await post('/nowhere', '{}')).status).toBe(404);
    const wrongMethod = await get('/webhooks/payments');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
  });
});
