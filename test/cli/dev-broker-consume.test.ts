import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DanubeClient } from '../../src/client/index.js';
import { built } from '../support/built.js';
import { CliProcess } from './support/cli-process.js';

const started: CliProcess[] = [];
const clients: DanubeClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(started.splice(0).map((p) => p.stop('SIGKILL')));
});

async function devBroker(...args: string[]): Promise<{ broker: CliProcess; url: string }> {
  const broker = new CliProcess(['dev-broker', '--port', '0', ...args]);
  started.push(broker);
  const [, url = ''] = await broker.waitForStdout(/listening on (http:\/\/\S+)/);
  return { broker, url };
}

/**
 * Starts `danube-connect consume` and waits until it subscribed: like on a real broker, a new
 * subscription only sees messages published after it exists.
 */
async function subscribedConsume(args: string[]): Promise<CliProcess> {
  const consume = new CliProcess(['consume', ...args]);
  started.push(consume);
  await consume.waitForStderr(/^subscribed to /);
  return consume;
}

describe('danube-connect dev-broker and consume', { timeout: 120_000 }, () => {
  it('serves producers, prints new topics, and consume prints records decoded by schema type', async () => {
    const { broker, url } = await devBroker('--namespace', 'iot');
    expect(broker.stdout.lines[0]).toContain('namespaces: default, iot');

    const client = await DanubeClient.connect({ serviceUrl: url });
    clients.push(client);
    await client.schemas.register({
      subject: 'readings-v1',
      schemaType: 'json_schema',
      definition: JSON.stringify({ type: 'object', properties: { celsius: { type: 'number' } } }),
    });
    const producer = await client.createProducer({
      topic: '/iot/readings',
      name: 'readings-producer',
      schema: { subject: 'readings-v1' },
    });
    await broker.waitForStdout(/^topic created: \/iot\/readings$/);
    const consume = await subscribedConsume([
      '--topic',
      '/iot/readings',
      '--service-url',
      url,
      '--count',
      '1',
      '--json',
    ]);
    await producer.send(Buffer.from(JSON.stringify({ celsius: 21.5 })), {
      key: 'room-1',
      attributes: { unit: 'C' },
    });

    expect(await consume.exited, consume.output()).toBe(0);
    expect(consume.stdout.lines).toHaveLength(1);
    expect(JSON.parse(consume.stdout.lines[0] ?? '')).toMatchObject({
      topic: '/iot/readings',
      offset: '0',
      key: 'room-1',
      producer: 'readings-producer',
      attributes: { unit: 'C' },
      schema: { subject: 'readings-v1', version: 1, type: 'json_schema' },
      value: { celsius: 21.5 },
    });

    expect(await broker.stop('SIGINT')).toBe(0);
    expect(broker.stdout.lines).toContain('stopping the dev broker');
  });

  it('prints schema-less payloads as bytes in the text format', async () => {
    const { url } = await devBroker();
    const client = await DanubeClient.connect({ serviceUrl: url });
    clients.push(client);
    const producer = await client.createProducer({ topic: '/default/raw', name: 'raw' });
    const consume = await subscribedConsume([
      '-t',
      '/default/raw',
      '-u',
      url,
      '-n',
      '1',
      '--subscription',
      'inspect',
    ]);
    await producer.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(await consume.exited, consume.output()).toBe(0);
    expect(consume.stdout.lines).toEqual([
      'topic=/default/raw offset=0',
      '  <4 bytes, base64> 3q2+7w==',
    ]);
    expect(consume.stderr.lines).toContain(
      'subscribed to /default/raw (subscription inspect, Shared)',
    );
  });

  it('waits for a topic that does not exist yet, and stops cleanly on SIGINT', async () => {
    const { url } = await devBroker();
    const consume = new CliProcess(['consume', '-t', '/default/later', '-u', url]);
    started.push(consume);
    await consume.waitForStderr(/topic \/default\/later does not exist yet/);
    const client = await DanubeClient.connect({ serviceUrl: url });
    clients.push(client);
    const producer = await client.createProducer({ topic: '/default/later', name: 'late' });
    await consume.waitForStderr(/^subscribed to \/default\/later/);
    await producer.send(Buffer.from('hello'));
    await consume.waitForStdout(/^topic=\/default\/later offset=0$/);
    expect(await consume.stop('SIGINT')).toBe(0);
  });

  it('shows a record published by a connector run with danube-connect run', async () => {
    const { url } = await devBroker('--namespace', 'iot');
    const dir = mkdtempSync(path.join(tmpdir(), 'danube-connect-e2e-'));
    try {
      const configFile = path.join(dir, 'connector.toml');
      writeFileSync(
        configFile,
        [
          `danube_service_url = "${url}"`,
          'connector_name = "counter-dev"',
          '[processing]',
          'metrics_port = 0',
          '[counter]',
          'topic = "/iot/counter"',
          'count = 2',
        ].join('\n'),
      );
      // the topic exists (as the connector declares it) before anyone subscribes to it
      const client = await DanubeClient.connect({ serviceUrl: url });
      clients.push(client);
      await client.createProducer({ topic: '/iot/counter', name: 'setup', reliableDispatch: true });
      const consume = await subscribedConsume([
        '--topic',
        '/iot/counter',
        '--service-url',
        url,
        '--count',
        '2',
        '--json',
      ]);
      const connector = new CliProcess(['run', built('test/fixtures/cli/counter-connector.ts')], {
        CONNECTOR_CONFIG_PATH: configFile,
      });
      started.push(connector);
      await connector.waitForStderr(/^counter: committed counter@1$/);

      expect(await consume.exited, consume.output()).toBe(0);
      const records = consume.stdout.lines.map(
        (line) => JSON.parse(line) as Record<string, unknown>,
      );
      expect(records).toMatchObject([
        { topic: '/iot/counter', offset: '0', value: { n: 0, source: 'counter' } },
        { topic: '/iot/counter', offset: '1', value: { n: 1, source: 'counter' } },
      ]);
      expect(records[0]?.producer).toMatch(/^counter-dev/);
      expect(await connector.stop('SIGTERM')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
