import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { DanubeClient } from '../../src/client/index.js';
import { danubeServices } from '../../src/client/proto.js';
import type { TopicLookupResponseMsg } from '../../src/client/wire.js';
import { FAST_RETRY, danubeErrorOf } from './core-suite.js';

/** What a scripted broker saw: rpc name and the call metadata. */
interface SeenCall {
  server: string;
  method: string;
  metadata: Record<string, string>;
}

type Unary = grpc.handleUnaryCall<unknown, unknown>;

/** A tiny scripted Danube server: answers lookups as told, accepts producers and sends. */
async function scriptedServer(
  name: string,
  seen: SeenCall[],
  lookup: () => Partial<TopicLookupResponseMsg>,
): Promise<{ url: string; server: grpc.Server }> {
  const services = danubeServices();
  const record = (method: string, call: grpc.ServerUnaryCall<unknown, unknown>): void => {
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(call.metadata.getMap())) {
      metadata[key] = String(value);
    }
    seen.push({ server: name, method, metadata });
  };
  const server = new grpc.Server();
  const topicLookup: Unary = (call, callback) => {
    record('TopicLookup', call);
    callback(null, { request_id: '0', response_type: 'Connect', ...lookup() });
  };
  const createProducer: Unary = (call, callback) => {
    record('CreateProducer', call);
    callback(null, { request_id: '0', producer_id: '42', producer_name: 'p' });
  };
  const sendMessage: Unary = (call, callback) => {
    record('SendMessage', call);
    callback(null, { request_id: (call.request as { request_id: string }).request_id });
  };
  const healthCheck: Unary = (call, callback) => {
    record('HealthCheck', call);
    callback(null, { status: 'OK' });
  };
  server.addService(services.Discovery.service, {
    TopicLookup: topicLookup,
    TopicPartitions: topicLookup,
  });
  server.addService(services.ProducerService.service, {
    CreateProducer: createProducer,
    SendMessage: sendMessage,
  });
  server.addService(services.HealthCheck.service, { HealthCheck: healthCheck });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('topic lookup routing', () => {
  const servers: grpc.Server[] = [];
  let client: DanubeClient | undefined;

  afterEach(async () => {
    await client?.close();
    for (const server of servers.splice(0)) server.forceShutdown();
  });

  it('dials connect_url and names the owner in x-danube-broker-url when proxied', async () => {
    const seen: SeenCall[] = [];
    const proxy = await scriptedServer('proxy', seen, () => ({}));
    const service = await scriptedServer('service', seen, () => ({
      response_type: 'Redirect',
      connect_url: proxy.url,
      broker_url: 'http://owner-broker:6650',
      proxy: true,
    }));
    servers.push(proxy.server, service.server);
    client = await DanubeClient.connect({ serviceUrl: service.url, retry: FAST_RETRY });
    const producer = await client.createProducer({ topic: '/default/routed', name: 'p' });
    const receipt = await producer.send(Buffer.from('x'));
    expect(receipt.producerId).toBe('42');
    expect(seen.map((c) => `${c.server}:${c.method}`)).toEqual([
      'service:TopicLookup',
      'proxy:CreateProducer',
      'proxy:SendMessage',
    ]);
    for (const call of seen.filter((c) => c.server === 'proxy')) {
      expect(call.metadata['x-danube-broker-url']).toBe('http://owner-broker:6650');
    }
    expect(seen[0]?.metadata['x-danube-broker-url']).toBeUndefined();
  });

  it('sends no proxy header for a direct Connect answer', async () => {
    const seen: SeenCall[] = [];
    const owner = await scriptedServer('owner', seen, () => ({}));
    const service = await scriptedServer('service', seen, () => ({
      connect_url: owner.url,
      broker_url: owner.url,
      proxy: false,
    }));
    servers.push(owner.server, service.server);
    client = await DanubeClient.connect({ serviceUrl: service.url, retry: FAST_RETRY });
    const producer = await client.createProducer({ topic: '/default/direct', name: 'p' });
    await producer.send(Buffer.from('x'));
    const sends = seen.filter((c) => c.method === 'SendMessage');
    expect(sends.map((c) => c.server)).toEqual(['owner']);
    expect(sends[0]?.metadata['x-danube-broker-url']).toBeUndefined();
  });

  it('reports a Failed lookup as an error naming the topic', async () => {
    const seen: SeenCall[] = [];
    const service = await scriptedServer('service', seen, () => ({ response_type: 'Failed' }));
    servers.push(service.server);
    client = await DanubeClient.connect({ serviceUrl: service.url, retry: false });
    const error = await danubeErrorOf(client.lookupTopic('/default/lost'));
    expect(error.message).toContain('/default/lost');
    expect(error.message).toMatch(/lookup/i);
  });
});
