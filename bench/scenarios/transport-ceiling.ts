import { fork } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { danubeServices } from '../../src/client/proto.js';
import type { MessageResponseMsg, StreamMessageMsg } from '../../src/client/wire.js';
import { forkableModule } from '../../src/testing/broker/ts-source-loader.js';
import { benchRecord } from '../record.js';
import { measureThroughput, sendWithInflight, type Throughput } from '../stats.js';

/** A bare gRPC server in a child process and a plain grpc-js client connected to it. */
interface TransportPair {
  send(message: StreamMessageMsg): Promise<void>;
  close(): void;
}

async function openPair(): Promise<TransportPair> {
  const server = forkableModule('../transport-server', import.meta.url);
  const child = fork(server.file, [], {
    execArgv: server.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`transport server exited with ${code}`)));
  });
  const definition = danubeServices().ProducerService.service[
    'SendMessage'
  ] as grpc.MethodDefinition<StreamMessageMsg, MessageResponseMsg>;
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    send: (message) =>
      new Promise<void>((resolve, reject) => {
        client.makeUnaryRequest(
          definition.path,
          definition.requestSerialize,
          definition.responseDeserialize,
          message,
          (error) => (error ? reject(error) : resolve()),
        );
      }),
    close: () => {
      client.close();
      child.disconnect();
    },
  };
}

/** What the bare transport achieves with 1, 8 and 64 calls in flight. */
export interface TransportCeiling {
  inflight_1: Throughput;
  inflight_8: Throughput;
  inflight_64: Throughput;
}

/**
 * The transport ceiling: plain grpc-js unary `SendMessage` calls with a 1 KiB payload to a
 * server (child process) that answers at once, with no Danube logic on either side. Its
 * 8-in-flight / 1-in-flight ratio bounds what any ordered 8-partition pipeline over gRPC can
 * gain on this machine over a send-and-wait loop.
 */
export async function transportCeiling(counts: {
  serial: number;
  inflight: number;
}): Promise<TransportCeiling> {
  const pair = await openPair();
  try {
    const payload = Buffer.from(JSON.stringify(benchRecord(0)));
    let requestId = 0;
    const message = (): StreamMessageMsg => ({
      request_id: String(++requestId),
      msg_id: {
        producer_id: '1',
        topic_name: '/bench/transport',
        broker_addr: '',
        topic_offset: '0',
      },
      payload,
      publish_time: Date.now().toString(),
      producer_name: 'transport',
      subscription_name: '',
      attributes: {},
    });
    const run = (inflight: number, messages: number): Promise<Throughput> =>
      measureThroughput(messages, () =>
        sendWithInflight(messages, inflight, () => pair.send(message())),
      );
    await run(8, Math.min(2_000, counts.inflight));
    return {
      inflight_1: await run(1, counts.serial),
      inflight_8: await run(8, counts.inflight),
      inflight_64: await run(64, counts.inflight),
    };
  } finally {
    pair.close();
  }
}
