import { request as httpRequest, Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RuntimeMetrics,
  RuntimeState,
  createLogger,
  startHttpServer,
  type HttpServer,
} from '../../src/observability/index.js';
import { LogCapture } from './log-capture.js';
import { parsePrometheusText, sampleValue } from './prom-text.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(url: string, options: { method?: string; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const SECRET = 'tok-9f8e7d6c5b4a';
let server: HttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start() {
  const logs = new LogCapture();
  const logger = createLogger({ level: 'info', secrets: [SECRET], destination: logs, env: {} });
  const metrics = new RuntimeMetrics({ connector: 'http-test' });
  const state = new RuntimeState({ connector: 'http-test', metrics, secrets: [SECRET] });
  server = await startHttpServer({ port: 0, host: '127.0.0.1', state, metrics, logger });
  return { logs, metrics, state, server };
}

describe('startHttpServer', () => {
  it('binds a free port for port 0 and logs it', async () => {
    const { logs, server } = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ component: 'http', port: server.port }),
    );
  });

  it('answers /healthz with 200 while alive', async () => {
    const { server } = await start();
    const reply = await request(`${server.url}/healthz`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'alive' });
  });

  it('answers /readyz 503 with reasons until ready, 200 when ready, 503 while stopping', async () => {
    const { server, state } = await start();
    let reply = await request(`${server.url}/readyz`);
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body)).toEqual({
      ready: false,
      reasons: ['not connected to the Danube broker', 'producers not created'],
    });

    state.setConnected(true);
    state.setProducers([{ topic: '/default/t', name: 'p', partitions: 0 }]);
    state.markRunning();
    reply = await request(`${server.url}/readyz`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ready: true, reasons: [] });

    state.setHealthy(false, new Error(`auth with ${SECRET} rejected`));
    reply = await request(`${server.url}/readyz`);
    expect(reply.status).toBe(503);
    expect(reply.body).not.toContain(SECRET);
    expect(JSON.parse(reply.body)).toEqual({
      ready: false,
      reasons: ['connector health check failing: Error: auth with [REDACTED] rejected'],
    });

    state.setHealthy(true);
    state.markStopping();
    reply = await request(`${server.url}/readyz`);
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ ready: false, reasons: ['runtime is stopping'] });
  });

  it('serves /metrics as Prometheus text with the right content type', async () => {
    const { server, state } = await start();
    state.setProducers([{ topic: '/default/orders', name: 'p', partitions: 0 }]);
    state.recordReceived('/default/orders', 2);
    state.recordPublished('/default/orders', 0.003);
    const reply = await request(`${server.url}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(reply.body);
    expect(
      sampleValue(families, 'danube_connector_records_published_total', {
        connector: 'http-test',
        topic: '/default/orders',
      }),
    ).toBe(1);
  });

  it('serves /status as the JSON snapshot with secrets redacted', async () => {
    const { server, state } = await start();
    state.setMode('streaming');
    state.recordError(new Error(`request to https://u:${SECRET}@api failed`));
    const reply = await request(`${server.url}/status`);
    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain(SECRET);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      connector: 'http-test',
      mode: 'streaming',
      phase: 'starting',
      lastError: {
        message: 'Error: request to https://u:[REDACTED]@api failed',
        errorType: 'internal',
      },
    });
  });

  it('answers 404 for unknown paths, 405 for other methods, and HEAD without a body', async () => {
    const { server } = await start();
    expect((await request(`${server.url}/nope`)).status).toBe(404);
    const post = await request(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await request(`${server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await request(`${server.url}/status?pretty=1`)).status).toBe(200);
  });

  it('closes keep-alive connections on close()', async () => {
    const { server } = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await request(`${server.url}/healthz`, { agent });
      const sockets = Object.values(agent.freeSockets).flat();
      expect(sockets).toHaveLength(1);
      const closed = new Promise<void>((resolve) => sockets[0]?.once('close', () => resolve()));
      await server.close();
      await closed;
      await expect(request(`${server.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
    }
  });
});
