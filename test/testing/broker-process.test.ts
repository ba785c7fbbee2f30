import { describe, expect, it } from 'vitest';
import { startBrokerProcess } from '../../src/testing/index.js';
import { call, producerRequest, rawClients, streamMessage } from './broker-helpers.js';

describe('embedded broker in a child process', () => {
  it(
    'serves the protocol, reports over IPC and exits when closed',
    { timeout: 90_000 },
    async () => {
      const broker = await startBrokerProcess({ namespaces: ['default', 'bench'] });
      try {
        expect(broker.pid).not.toBe(process.pid);
        expect(broker.url).toBe(`http://127.0.0.1:${broker.port}`);
        const clients = rawClients(broker);
        try {
          const { producer_id: id } = await call<{ producer_id: string }>(
            clients.producer,
            'CreateProducer',
            producerRequest('/bench/t', 'p'),
          );
          await Promise.all(
            Array.from({ length: 5 }, (_, i) =>
              call(clients.producer, 'SendMessage', streamMessage(id, '/bench/t', `m${i}`)),
            ),
          );
        } finally {
          clients.close();
        }
        expect(await broker.messageCount('/bench/t')).toBe(5);
        expect(await broker.messageCount('/bench/none')).toBe(0);
        expect(await broker.topics()).toEqual(['/bench/t']);
        expect((await broker.stats()).calls.SendMessage).toBe(5);
        await broker.createNamespace('more');
      } finally {
        await broker.close();
      }
      expect(() => process.kill(broker.pid, 0)).toThrow();
    },
  );
});
