import { describe, expect, it } from 'vitest';
import { DanubeClient, DanubeError, parseServiceUrl } from '../../src/client/index.js';

describe('parseServiceUrl', () => {
  it('strips the scheme for grpc-js and remembers TLS', () => {
    expect(parseServiceUrl('http://localhost:6650')).toEqual({
      url: 'http://localhost:6650',
      address: 'localhost:6650',
      secure: false,
    });
    expect(parseServiceUrl('https://broker.example.com:7650/')).toEqual({
      url: 'https://broker.example.com:7650',
      address: 'broker.example.com:7650',
      secure: true,
    });
  });

  it('defaults the port to 6650', () => {
    expect(parseServiceUrl('http://danube').address).toBe('danube:6650');
  });

  it('accepts a bare host:port as a lookup may answer', () => {
    expect(parseServiceUrl('10.0.0.5:6650').address).toBe('10.0.0.5:6650');
    expect(parseServiceUrl('10.0.0.5:6650', true).secure).toBe(true);
  });

  it('keeps IPv6 hosts in brackets', () => {
    expect(parseServiceUrl('http://[::1]:6650').address).toBe('[::1]:6650');
  });

  it.each(['grpc://host:6650', 'http://', 'not a url at all://x'])(
    'refuses %s with a config error',
    (url) => {
      expect(() => parseServiceUrl(url)).toThrowError(DanubeError);
      try {
        parseServiceUrl(url);
      } catch (error) {
        expect((error as DanubeError).kind).toBe('config');
      }
    },
  );
});

describe('DanubeClient.connect option checks', () => {
  it('refuses a token over plain http, naming the URL', async () => {
    const attempt = DanubeClient.connect({ serviceUrl: 'http://127.0.0.1:6650', token: 'jwt' });
    await expect(attempt).rejects.toMatchObject({ kind: 'config' });
    await expect(attempt).rejects.toThrow(/http:\/\/127\.0\.0\.1:6650/);
  });

  it('refuses TLS material over plain http', async () => {
    await expect(
      DanubeClient.connect({ serviceUrl: 'http://127.0.0.1:6650', tls: { ca: Buffer.from('') } }),
    ).rejects.toMatchObject({ kind: 'config' });
  });

  it('accepts a token over https and dials lazily', async () => {
    const client = await DanubeClient.connect({
      serviceUrl: 'https://127.0.0.1:1',
      token: 'jwt',
    });
    expect(client.serviceUrl).toBe('https://127.0.0.1:1');
    await client.close();
  });

  it('rejects every call after close with kind stopping', async () => {
    const client = await DanubeClient.connect({ serviceUrl: 'http://127.0.0.1:1' });
    await client.close();
    await expect(client.createProducer({ topic: '/default/t', name: 'p' })).rejects.toMatchObject({
      kind: 'stopping',
    });
    await expect(client.lookupTopic('/default/t')).rejects.toMatchObject({ kind: 'stopping' });
    await expect(client.topicPartitions('/default/t')).rejects.toMatchObject({ kind: 'stopping' });
    await expect(client.schemas.getLatest('s')).rejects.toMatchObject({ kind: 'stopping' });
  });
});
