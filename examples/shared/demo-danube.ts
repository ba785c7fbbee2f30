import { DanubeClient } from 'danube-connect-core/client';
import { startBroker } from 'danube-connect-core/testing';

/** The Danube broker a demo publishes to. */
export interface DemoDanube {
  readonly url: string;
  /** True when the demo started its own in-process broker. */
  readonly embedded: boolean;
  close(): Promise<void>;
}

/**
 * `DANUBE_SERVICE_URL` when set (the namespaces must exist there), otherwise an embedded
 * broker in this process with the namespaces created.
 */
export async function demoDanube(namespaces: string[]): Promise<DemoDanube> {
  const external = process.env.DANUBE_SERVICE_URL;
  if (external !== undefined && external !== '') {
    console.log(`Danube: ${external} (namespaces needed: ${namespaces.join(', ')})`);
    return { url: external, embedded: false, close: () => Promise.resolve() };
  }
  const broker = await startBroker({ namespaces });
  console.log(`Danube: embedded broker at ${broker.url} (set DANUBE_SERVICE_URL to use yours)`);
  return { url: broker.url, embedded: true, close: () => broker.close() };
}

/** What a demo prints for each message a consumer receives. */
export interface PrintedMessage {
  topic: string;
  key?: string;
  attributes: Record<string, string>;
  payload: Buffer;
}

/**
 * Subscribes to `topic` and prints the first `count` messages a consumer receives (acking
 * them), then returns. Subscribe before feeding data so nothing is missed.
 */
export async function consumeAndPrint(
  serviceUrl: string,
  topic: string,
  subscription: string,
): Promise<{
  take(count: number, print?: (message: PrintedMessage) => string): Promise<void>;
  close(): Promise<void>;
}> {
  const client = await DanubeClient.connect({ serviceUrl });
  const consumer = await client.subscribe({ topic, subscription, type: 'Exclusive' });
  const messages = consumer[Symbol.asyncIterator]();
  return {
    async take(count, print = defaultLine) {
      for (let i = 0; i < count; i++) {
        const next = await nextOrTimeout(messages.next());
        if (next === 'timeout') {
          console.log(
            `  (only ${i} of ${count} messages arrived within ${TAKE_TIMEOUT_MS / 1000}s)`,
          );
          return;
        }
        if (next.done === true) return;
        const message = next.value;
        console.log(`  ← ${print(message)}`);
        await consumer.ack(message);
      }
    },
    async close() {
      await consumer.close();
      await client.close();
    },
  };
}

const TAKE_TIMEOUT_MS = 30_000;

async function nextOrTimeout<T>(next: Promise<T>): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), TAKE_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([next, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function defaultLine(message: PrintedMessage): string {
  const key = message.key === undefined ? '' : ` key=${message.key}`;
  return `${message.topic}${key} ${message.payload.toString('utf8')}`;
}
