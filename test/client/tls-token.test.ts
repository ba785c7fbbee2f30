import { readFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { DanubeClient } from '../../src/client/index.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import { FAST_RETRY, danubeErrorOf, uniqueTopic } from './core-suite.js';

const tlsFile = (name: string): Buffer => readFileSync(new URL(`./tls/${name}`, import.meta.url));

describe('TLS and token authentication', () => {
  let broker: EmbeddedBroker | undefined;
  let client: DanubeClient | undefined;

  afterEach(async () => {
    await client?.close();
    await broker?.close();
  });

  it('publishes over TLS with a bearer token the broker requires', async () => {
    broker = await startBroker({
      tls: { cert: tlsFile('server.pem'), key: tlsFile('server.key') },
      requireToken: 'secret-jwt',
    });
    expect(broker.url).toMatch(/^https:/);
    client = await DanubeClient.connect({
      serviceUrl: broker.url,
      token: 'secret-jwt',
      tls: { ca: tlsFile('ca.pem') },
      retry: FAST_RETRY,
    });
    const topic = uniqueTopic('default', 'tls');
    const producer = await client.createProducer({ topic, name: 'secure' });
    await producer.send(Buffer.from('over tls'));
    expect(broker.messages(topic).map((m) => m.payload.toString())).toEqual(['over tls']);
  });

  it('reports a wrong token as a configuration error, not retried', async () => {
    broker = await startBroker({
      tls: { cert: tlsFile('server.pem'), key: tlsFile('server.key') },
      requireToken: 'secret-jwt',
    });
    client = await DanubeClient.connect({
      serviceUrl: broker.url,
      token: 'wrong',
      tls: { ca: tlsFile('ca.pem') },
      retry: FAST_RETRY,
    });
    const error = await danubeErrorOf(
      client.createProducer({ topic: uniqueTopic('default', 'tls'), name: 'intruder' }),
    );
    expect(error).toMatchObject({ kind: 'config', retryable: false });
    expect(error.message).toMatch(/UNAUTHENTICATED/);
    expect(broker.stats().calls.CreateProducer ?? 0).toBeLessThanOrEqual(1);
  });

  it('asks a token supplier before every call, so a new token is used at once', async () => {
    let current = 'token-1';
    const seen: string[] = [];
    broker = await startBroker({
      tls: { cert: tlsFile('server.pem'), key: tlsFile('server.key') },
      requireToken: (token) => {
        seen.push(token);
        return token === current;
      },
    });
    client = await DanubeClient.connect({
      serviceUrl: broker.url,
      token: () => Promise.resolve(current),
      tls: { ca: tlsFile('ca.pem') },
      retry: false,
    });
    const topic = uniqueTopic('default', 'rotating');
    const producer = await client.createProducer({ topic, name: 'rotating' });
    await producer.send(Buffer.from('one'));
    current = 'token-2'; // the broker no longer accepts token-1
    await producer.send(Buffer.from('two'));
    expect(broker.messages(topic).map((m) => m.payload.toString())).toEqual(['one', 'two']);
    expect(seen.at(-1)).toBe('token-2');
    expect(seen.filter((t) => t !== 'token-1' && t !== 'token-2')).toEqual([]);
  });

  it('refuses a token supplier over plain http', async () => {
    const error = await danubeErrorOf(
      DanubeClient.connect({ serviceUrl: 'http://localhost:6650', token: () => 'jwt' }),
    );
    expect(error).toMatchObject({ kind: 'config' });
    expect(error.message).toMatch(/a token requires TLS/);
  });

  describe('mutual TLS', () => {
    const mtlsBroker = (): Promise<EmbeddedBroker> =>
      startBroker({
        tls: {
          cert: tlsFile('server.pem'),
          key: tlsFile('server.key'),
          ca: tlsFile('client-ca.pem'),
          requireClientCert: true,
        },
        requireToken: 'secret-jwt',
      });

    it('publishes with a client certificate and a token the broker both requires', async () => {
      broker = await mtlsBroker();
      client = await DanubeClient.connect({
        serviceUrl: broker.url,
        token: 'secret-jwt',
        tls: { ca: tlsFile('ca.pem'), cert: tlsFile('client.pem'), key: tlsFile('client.key') },
        retry: FAST_RETRY,
      });
      const topic = uniqueTopic('default', 'mtls');
      const producer = await client.createProducer({ topic, name: 'mutual' });
      await producer.send(Buffer.from('both ways'));
      expect(broker.messages(topic).map((m) => m.payload.toString())).toEqual(['both ways']);
    });

    it.each([
      ['without a client certificate', {}],
      [
        'with a certificate the broker does not trust',
        { cert: tlsFile('stranger.pem'), key: tlsFile('stranger.key') },
      ],
    ])('is refused %s, as unavailable, before any call reaches the broker', async (_, own) => {
      broker = await mtlsBroker();
      client = await DanubeClient.connect({
        serviceUrl: broker.url,
        token: 'secret-jwt',
        tls: { ca: tlsFile('ca.pem'), ...own },
        retry: false,
      });
      const error = await danubeErrorOf(
        client.createProducer({ topic: uniqueTopic('default', 'mtls'), name: 'refused' }),
      );
      expect(error).toMatchObject({ kind: 'unavailable', code: status.UNAVAILABLE });
      expect(broker.stats().calls).toEqual({});
    });
  });
});
