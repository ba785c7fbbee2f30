import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import {
  call,
  callAfterRestart,
  callError,
  callErrorAfterRestart,
  producerRequest,
  rawClients,
  streamMessage,
  type RawClients,
  closeBroker,
  openBroker,
} from './broker-helpers.js';

interface ProducerResponse {
  producer_id: string;
}

describe('embedded broker: restart, down and up', () => {
  let broker: EmbeddedBroker;
  let clients: RawClients;

  beforeEach(async () => {
    ({ broker, clients } = await openBroker());
  });

  afterEach(async () => {
    await closeBroker({ broker, clients });
  });

  async function producerWithMessage(): Promise<string> {
    const { producer_id: id } = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p'),
    );
    await call(clients.producer, 'SendMessage', streamMessage(id, '/default/t', 'before'));
    return id;
  }

  it('restarts on the same port keeping data: old producer ids get NOT_FOUND, a new producer continues the offsets', async () => {
    const oldId = await producerWithMessage();
    const port = broker.port;
    await broker.restart({ keepData: true });
    expect(broker.port).toBe(port);
    const error = await callErrorAfterRestart(
      clients.producer,
      'SendMessage',
      streamMessage(oldId, '/default/t', 'x'),
    );
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe(`The producer with id ${oldId} does not exist`);
    const health = await call(clients.health, 'HealthCheck', {
      request_id: '1',
      client: 'Producer',
      id: oldId,
    });
    expect(health).toEqual({ status: 'CLOSE' });
    expect(broker.producers()).toEqual([]);
    const { producer_id: newId } = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p'),
    );
    await call(clients.producer, 'SendMessage', streamMessage(newId, '/default/t', 'after'));
    expect(broker.messages('/default/t').map((m) => [m.offset, m.payload.toString()])).toEqual([
      [0n, 'before'],
      [1n, 'after'],
    ]);
  });

  it('restarts losing data: topics and messages are gone, lookup is NOT_FOUND again', async () => {
    await producerWithMessage();
    await broker.restart({ keepData: false });
    expect(broker.topics()).toEqual([]);
    expect(broker.messages('/default/t')).toEqual([]);
    const lookup = await callErrorAfterRestart(clients.discovery, 'TopicLookup', {
      request_id: '1',
      topic: '/default/t',
    });
    expect(lookup.code).toBe(status.NOT_FOUND);
    const { producer_id: id } = await call<ProducerResponse>(
      clients.producer,
      'CreateProducer',
      producerRequest('/default/t', 'p'),
    );
    await call(clients.producer, 'SendMessage', streamMessage(id, '/default/t', 'fresh'));
    expect(broker.messages('/default/t').map((m) => m.offset)).toEqual([0n]);
  });

  it('keeps the namespaces and the schema registry across a restart without data', async () => {
    broker.createNamespace('iot');
    await call(clients.registry, 'RegisterSchema', {
      subject: 's',
      schema_type: 'string',
      schema_definition: Buffer.alloc(0),
    });
    await broker.restart({ keepData: false });
    await callAfterRestart(
      clients.producer,
      'CreateProducer',
      producerRequest('/iot/x', 'p', { schema_ref: { subject: 's', use_latest: true } }),
    );
    expect(broker.topics()).toEqual(['/iot/x']);
  });

  it('refuses connections while down and serves again on the same port, with its state', async () => {
    const id = await producerWithMessage();
    await broker.goDown();
    expect(broker.up).toBe(false);
    const down = await callError(
      clients.producer,
      'SendMessage',
      streamMessage(id, '/default/t', 'x'),
    );
    expect(down.code).toBe(status.UNAVAILABLE);
    await broker.comeUp();
    expect(broker.up).toBe(true);
    await callAfterRestart(
      clients.producer,
      'SendMessage',
      streamMessage(id, '/default/t', 'back'),
    );
    expect(broker.messages('/default/t')).toHaveLength(2);
  });

  it('binds the requested port', async () => {
    const port = broker.port;
    await closeBroker({ broker, clients });
    ({ broker, clients } = await openBroker({ port }));
    expect(broker.port).toBe(port);
    await call(clients.producer, 'CreateProducer', producerRequest('/default/t', 'p'));
  });

  it('refuses calls without the required token with UNAUTHENTICATED', async () => {
    const secured = await startBroker({ requireToken: 'secret' });
    const raw = rawClients(secured);
    try {
      const error = await callError(
        raw.producer,
        'CreateProducer',
        producerRequest('/default/t', 'p'),
      );
      expect(error.code).toBe(status.UNAUTHENTICATED);
      expect(secured.topics()).toEqual([]);
    } finally {
      raw.close();
      await secured.close();
    }
  });
});
