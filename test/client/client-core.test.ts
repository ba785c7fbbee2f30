import { afterAll, beforeAll, describe } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import { defineCoreClientTests } from './core-suite.js';

describe('DanubeClient against the embedded broker (core suite)', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });
  defineCoreClientTests({ url: () => broker.url, namespace: 'default' });
});
