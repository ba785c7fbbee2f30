import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

/** An MQTT broker in this process (aedes), standing in for Mosquitto in the demo. */
export interface LocalMqttBroker {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts aedes on a free port of 127.0.0.1. */
export async function startLocalMqttBroker(): Promise<LocalMqttBroker> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
