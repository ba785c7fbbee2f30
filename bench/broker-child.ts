/**
 * The benchmark's broker process: an embedded broker answering a few IPC commands
 * (stored message count, SendMessage latency, reset), so the broker never shares the
 * event loop with the code being measured.
 */
import { startBroker } from '../src/testing/broker/server.js';
import type { BrokerCommand, BrokerReply } from './broker-ipc.js';

const broker = await startBroker({ namespaces: ['default', 'bench'] });

function reply(message: BrokerReply): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const command = raw as BrokerCommand;
  void (async (): Promise<void> => {
    switch (command.type) {
      case 'count': {
        const count = command.topics.reduce((sum, topic) => sum + broker.messages(topic).length, 0);
        reply({ type: 'result', id: command.id, value: count });
        return;
      }
      case 'latency':
        broker.faults.latency(command.ms, 'SendMessage');
        reply({ type: 'result', id: command.id, value: 0 });
        return;
      case 'reset':
        await broker.restart({ keepData: false });
        reply({ type: 'result', id: command.id, value: 0 });
        return;
      case 'close':
        await broker.close();
        reply({ type: 'result', id: command.id, value: 0 });
        process.disconnect();
        return;
    }
  })();
});

reply({ type: 'ready', url: broker.url });
