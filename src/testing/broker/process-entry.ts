/**
 * Entry module of the broker child process started by {@link startBrokerProcess}: runs an
 * embedded broker and answers the parent's queries over IPC. Exits when the parent asks,
 * or when the IPC channel closes (parent gone).
 * @module
 */
import type { BrokerQuery, ToChild, ToParent } from './process-protocol.js';
import { startBroker, type EmbeddedBroker } from './server.js';

let broker: EmbeddedBroker | undefined;

function reply(message: ToParent): void {
  process.send?.(message);
}

function answer(query: BrokerQuery, running: EmbeddedBroker): unknown {
  switch (query.op) {
    case 'messageCount':
      return running.messages(query.topic).length;
    case 'topics':
      return running.topics();
    case 'stats':
      return running.stats();
    case 'createNamespace':
      running.createNamespace(query.name);
      return null;
    case 'latency':
      running.faults.latency(query.ms, query.method);
      return null;
  }
}

async function shutdown(): Promise<void> {
  const running = broker;
  broker = undefined;
  await running?.close();
}

process.on('message', (raw: unknown) => {
  const message = raw as ToChild;
  switch (message.type) {
    case 'start':
      startBroker(message.options).then(
        (started) => {
          broker = started;
          reply({ type: 'ready', url: started.url, port: started.port });
        },
        (error: unknown) => reply({ type: 'failed', message: String(error) }),
      );
      return;
    case 'query': {
      const running = broker;
      if (!running) {
        reply({ type: 'answer', id: message.id, error: 'broker not running' });
        return;
      }
      try {
        reply({ type: 'answer', id: message.id, result: answer(message.query, running) });
      } catch (error) {
        reply({ type: 'answer', id: message.id, error: String(error) });
      }
      return;
    }
    case 'close':
      shutdown().then(
        () => {
          reply({ type: 'closed' });
          process.disconnect();
        },
        () => process.exit(1),
      );
      return;
  }
});

process.on('disconnect', () => {
  shutdown().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
