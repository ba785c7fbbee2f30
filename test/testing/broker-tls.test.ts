import { readFileSync } from 'node:fs';
import { credentials, Metadata, status, type Client } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { danubeServices } from '../../src/client/proto.js';
import { startBroker } from '../../src/testing/index.js';
import { call, callError, producerRequest } from './broker-helpers.js';

const tlsDir = new URL('../client/tls/', import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, tlsDir));

describe('embedded broker over TLS with a token', () => {
  it('serves https and checks the bearer token', async () => {
    const broker = await startBroker({
      tls: { cert: read('server.pem'), key: read('server.key') },
      requireToken: 'secret-token',
    });
    const Producer = danubeServices().ProducerService;
    const client: Client = new Producer(
      `127.0.0.1:${broker.port}`,
      credentials.createSsl(read('ca.pem')),
    );
    try {
      expect(broker.url).toBe(`https://127.0.0.1:${broker.port}`);
      const metadata = new Metadata();
      metadata.set('authorization', 'Bearer secret-token');
      await call(client, 'CreateProducer', producerRequest('/default/t', 'p'), { metadata });
      const wrong = new Metadata();
      wrong.set('authorization', 'Bearer nope');
      const error = await callError(client, 'CreateProducer', producerRequest('/default/u', 'p'), {
        metadata: wrong,
      });
      expect(error.code).toBe(status.UNAUTHENTICATED);
      expect(broker.topics()).toEqual(['/default/t']);
    } finally {
      client.close();
      await broker.close();
    }
  });
});
