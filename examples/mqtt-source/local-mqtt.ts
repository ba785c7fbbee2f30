import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { Aedes, type Client } from 'aedes';

/** An MQTT broker in this process (aedes), standing in for Mosquitto in the demo and tests. */
export interface LocalMqttBroker {
  readonly aedes: Aedes;
  readonly port: number;
  /** Closes every client connection and refuses new ones (an outage, for health tests). */
  stopAccepting(): Promise<void>;
  /** Listens again on the same port. */
  startAccepting(): Promise<void>;
  close(): Promise<void>;
}

/** Starts aedes on a free port of 127.0.0.1. */
export async function startLocalMqttBroker(): Promise<LocalMqttBroker> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  const clients = new Set<Client>();
  aedes.on('client', (client) => clients.add(client));
  aedes.on('clientDisconnect', (client) => clients.delete(client));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  return {
    aedes,
    port,
    async stopAccepting() {
      const closed = stopListening();
      for (const client of clients) client.close();
      await closed;
    },
    async startAccepting() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await stopListening();
    },
  };
}
