import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DanubeClient } from '../../src/client/index.js';
import { runDevBroker, type EmbeddedBroker } from '../../src/testing/index.js';

function readyBroker(): { ready: Promise<EmbeddedBroker>; onReady: (b: EmbeddedBroker) => void } {
  let onReady: (b: EmbeddedBroker) => void = () => undefined;
  const ready = new Promise<EmbeddedBroker>((resolve) => (onReady = resolve));
  return { ready, onReady };
}

describe('runDevBroker', () => {
  it('serves until its signal aborts, then closes the broker and resolves', async () => {
    const { ready, onReady } = readyBroker();
    const stop = new AbortController();
    const running = runDevBroker({
      port: 0,
      namespaces: ['default', 'iot'],
      signal: stop.signal,
      handleSignals: false,
      onReady,
    });
    const broker = await ready;
    const client = await DanubeClient.connect({ serviceUrl: broker.url });
    const producer = await client.createProducer({ topic: '/iot/dev', name: 'dev' });
    await producer.send(Buffer.from('hello'));
    expect(broker.messages('/iot/dev')).toHaveLength(1);
    await client.close();
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    // closed: its port is free again
    const server = createServer();
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(broker.port, '127.0.0.1', resolve),
    );
    await new Promise((resolve) => server.close(resolve));
  });

  it('stops on SIGTERM and removes its signal handlers afterwards', async () => {
    const before = process.listenerCount('SIGTERM');
    const { ready, onReady } = readyBroker();
    const running = runDevBroker({ port: 0, onReady });
    await ready;
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    await running;
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('does not start when its signal is already aborted', async () => {
    let started = false;
    await runDevBroker({ port: 0, signal: AbortSignal.abort(), onReady: () => (started = true) });
    expect(started).toBe(false);
  });
});
