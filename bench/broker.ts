import { partitionTopicName } from '../src/client/routing.js';
import { startBrokerProcess } from '../src/testing/broker/broker-process.js';
import { BENCH_NAMESPACE } from './context.js';

/** The benchmark's broker, running in a child process (`startBrokerProcess`). */
export interface BenchBroker {
  readonly url: string;
  /** Messages stored on `topic` (summed over its partition topics when `partitions` > 0). */
  storedCount(topic: string, partitions: number): Promise<number>;
  /** Adds `ms` to every SendMessage (0 clears). */
  setSendLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the embedded broker in a child process, so it never shares the measured event loop. */
export async function startBenchBroker(): Promise<BenchBroker> {
  const broker = await startBrokerProcess({ namespaces: ['default', BENCH_NAMESPACE] });
  return {
    url: broker.url,
    storedCount: async (topic, partitions) => {
      const topics =
        partitions === 0
          ? [topic]
          : Array.from({ length: partitions }, (_, i) => partitionTopicName(topic, i));
      const counts = await Promise.all(topics.map((t) => broker.messageCount(t)));
      return counts.reduce((sum, n) => sum + n, 0);
    },
    setSendLatency: (ms) => broker.latency(ms, 'SendMessage'),
    close: () => broker.close(),
  };
}
