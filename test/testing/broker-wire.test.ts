import { afterAll, beforeAll, describe } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import { defineWireConformanceTests } from './wire-suite.js';

describe('embedded broker: the wire behaviour of a real Danube broker (wire suite)', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });
  defineWireConformanceTests({ url: () => broker.url, namespace: 'default' });
});
