import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../../src/errors.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import { parsePrometheusText, sampleValue } from '../observability/prom-text.js';
import { built } from '../support/built.js';
import { CliProcess } from './support/cli-process.js';
import { httpGet, type HttpReply } from './support/http.js';
import { generateTestCertificates, hasOpenssl } from './support/tls.js';

const MODULE = built('test/fixtures/cli/counter-connector.ts');
const TOPIC = '/default/counter';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.dGVzdA.TOKEN-s3cr3t-0001';
const API_KEY = 'sk-live-API-KEY-0002';
/** Known to the connector module's `secrets` hook only, not to the configuration. */
const SIGNING_KEY = 'whsec-SIGNING-KEY-0003';

let dir: string;
const brokers: EmbeddedBroker[] = [];
const processes: CliProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'danube-connect-run-'));
});

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  await Promise.all(brokers.splice(0).map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string): string {
  return path.join(dir, name);
}

function writeConfig(lines: string[]): string {
  const configFile = file('connector.toml');
  writeFileSync(configFile, lines.join('\n'));
  return configFile;
}

function run(configFile: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  const cli = new CliProcess(['run', MODULE], {
    CONNECTOR_CONFIG_PATH: configFile,
    ...env,
  });
  processes.push(cli);
  return cli;
}

async function endpointUrl(cli: CliProcess): Promise<string> {
  const match = await cli.waitForStdout(/"component":"http".*"port":\d+/);
  const { port } = JSON.parse(match.input ?? '') as { port: number };
  return `http://127.0.0.1:${port}`;
}

function json(reply: HttpReply): Record<string, unknown> {
  return JSON.parse(reply.body) as Record<string, unknown>;
}

describe('danube-connect run', { timeout: 180_000 }, () => {
  it.skipIf(!hasOpenssl())(
    'goes 503 → 200 → 503 → 200 → 503 across start, a failing health check and shutdown, over TLS with a token, never showing a secret',
    async () => {
      const tls = generateTestCertificates(dir);
      const broker = await startBroker({
        tls: { cert: tls.cert, key: tls.key },
        requireToken: TOKEN,
      });
      brokers.push(broker);
      expect(broker.url).toMatch(/^https:/);
      const configFile = writeConfig([
        `danube_service_url = "${broker.url}"`,
        'connector_name = "counter-e2e"',
        '[processing]',
        'metrics_port = 0',
        'log_level = "debug"',
        'health_check_interval_ms = 100',
        'health_check_failure_threshold = 1',
        '[danube]',
        `tls_ca_file = "${tls.caFile}"`,
        '[counter]',
        `topic = "${TOPIC}"`,
        'count = 5',
        `health_file = "${file('unhealthy')}"`,
        `start_gate_file = "${file('start')}"`,
        `shutdown_gate_file = "${file('shutdown')}"`,
      ]);
      const cli = run(configFile, { DANUBE_TOKEN: TOKEN, COUNTER_API_KEY: API_KEY });
      const bodies: string[] = [];
      const get = async (route: string): Promise<HttpReply> => {
        const reply = await httpGet(`${url}${route}`);
        bodies.push(reply.body);
        return reply;
      };

      // starting: the endpoints are up, the connector is still initializing
      const url = await endpointUrl(cli);
      await cli.waitForStderr(/^counter: initialize waiting/);
      expect((await get('/healthz')).status).toBe(200);
      let ready = await get('/readyz');
      expect(ready.status).toBe(503);
      expect(json(ready).reasons).toEqual([
        'not connected to the Danube broker',
        'producers not created',
      ]);

      // running: every record published, committed, counted
      writeFileSync(file('start'), '');
      await cli.waitForStderr(/^counter: committed counter@4$/);
      ready = await get('/readyz');
      expect(ready.status).toBe(200);
      expect(json(ready)).toEqual({ ready: true, reasons: [] });
      const stored = broker.messages(TOPIC);
      expect(stored.map((m) => JSON.parse(m.payload.toString('utf8')) as unknown)).toEqual(
        [0, 1, 2, 3, 4].map((n) => ({ n, source: 'counter' })),
      );
      const metrics = await get('/metrics');
      expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      const families = parsePrometheusText(metrics.body);
      const labels = { connector: 'counter-e2e', topic: TOPIC };
      expect(sampleValue(families, 'danube_connector_records_published_total', labels)).toBe(
        stored.length,
      );
      expect(sampleValue(families, 'danube_connector_records_received_total', labels)).toBe(5);
      expect(sampleValue(families, 'danube_connector_publish_latency_seconds_count', labels)).toBe(
        5,
      );
      expect(
        sampleValue(families, 'danube_connector_last_committed_offset', { partition: 'counter' }),
      ).toBe(4);
      expect(sampleValue(families, 'danube_connector_producers')).toBe(1);
      expect(sampleValue(families, 'danube_connector_ready')).toBe(1);
      for (const family of families.values()) {
        for (const sample of family.samples) {
          // The runtime-wide series keep the Rust runtime's topic="multi-topic" (operations.md).
          const topic = /batch_size|health/.test(sample.name) ? 'multi-topic' : TOPIC;
          if ('topic' in sample.labels) expect(sample.labels.topic, sample.name).toBe(topic);
          if ('error_type' in sample.labels) {
            expect(ERROR_KINDS).toContain(sample.labels.error_type);
          }
        }
      }

      // an injected health failure makes it unready, with the reason redacted
      writeFileSync(file('unhealthy'), '');
      const unhealthy = await cli.waitForStdout(/connector unhealthy after/);
      expect(unhealthy.input).toContain('health probe with api key [REDACTED] failed');
      ready = await get('/readyz');
      expect(ready.status).toBe(503);
      expect(json(ready).reasons).toEqual([
        'connector health check failing: Error: health probe with api key [REDACTED] failed',
      ]);
      const status = json(await get('/status'));
      expect(status).toMatchObject({
        connector: 'counter-e2e',
        mode: 'polling',
        healthy: false,
        totals: { received: 5, published: 5, failed: 0 },
      });
      rmSync(file('unhealthy'));
      await cli.waitForStdout(/connector health check passes again/);
      expect((await get('/readyz')).status).toBe(200);

      // stopping: unready at once, while the connector shuts down
      cli.child.kill('SIGINT');
      await cli.waitForStderr(/^counter: shutdown waiting/);
      ready = await get('/readyz');
      expect(ready.status).toBe(503);
      expect(json(ready).reasons).toEqual(['runtime is stopping']);
      writeFileSync(file('shutdown'), '');
      expect(await cli.exited).toBe(0);
      await cli.waitForStdout(/"msg":"stopped"/);

      const everything = [...cli.stdout.lines, ...cli.stderr.lines, ...bodies].join('\n');
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(API_KEY);
      for (const line of cli.stdout.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    },
  );

  it('refuses a token over plain text with exit code 2, without printing it', async () => {
    const configFile = writeConfig([
      'danube_service_url = "http://127.0.0.1:1"',
      'connector_name = "plain"',
      '[processing]',
      'metrics_port = 0',
      '[counter]',
      `topic = "${TOPIC}"`,
    ]);
    const cli = run(configFile, { DANUBE_TOKEN: TOKEN });
    expect(await cli.exited).toBe(2);
    const stderr = cli.stderr.lines.join('\n');
    expect(stderr).toContain(
      'danube.token: needs an https:// danube_service_url (a token is only sent over TLS); the URL is http://127.0.0.1:1',
    );
    expect(stderr).toContain('the configuration is invalid');
    expect(cli.output()).not.toContain(TOKEN);
  });

  it('exits 1 after a fatal connector error, declared and module secrets redacted everywhere', async () => {
    const broker = await startBroker();
    brokers.push(broker);
    writeFileSync(file('fatal'), '');
    const configFile = writeConfig([
      `danube_service_url = "${broker.url}"`,
      'connector_name = "doomed"',
      '[processing]',
      'metrics_port = 0',
      '[counter]',
      `topic = "${TOPIC}"`,
      `fatal_file = "${file('fatal')}"`,
      'signing_key_env = "COUNTER_SIGNING_KEY"',
    ]);
    const cli = run(configFile, { COUNTER_API_KEY: API_KEY, COUNTER_SIGNING_KEY: SIGNING_KEY });
    expect(await cli.exited).toBe(1);
    const redacted = 'upstream refused api key [REDACTED] (signing key [REDACTED])';
    expect(cli.stderr.lines).toContain(
      `danube-connect run: stopped on a fatal error: ConnectorError: ${redacted}`,
    );
    expect(cli.stdout.lines.join('\n')).toContain(redacted);
    expect(cli.output()).not.toContain(API_KEY);
    expect(cli.output()).not.toContain(SIGNING_KEY);
  });
});
