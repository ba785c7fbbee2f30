import { describe } from 'vitest';
import { defineWireConformanceTests } from '../testing/wire-suite.js';
import { defineCoreClientTests } from './core-suite.js';

const url = process.env['DANUBE_BROKER_URL'];

/**
 * The core client tests and the wire suite against a real Danube broker, when
 * `DANUBE_BROKER_URL` is set (e.g. `DANUBE_BROKER_URL=http://127.0.0.1:6650 npx vitest run
 * test/client/real-broker`). `DANUBE_TOKEN` is sent by the client tests when set; the wire
 * suite speaks plain-text gRPC without a token, so it runs only for an `http://` URL. The
 * namespace (`DANUBE_NAMESPACE`, default `default`) must exist.
 */
describe.skipIf(!url)('DanubeClient against a real broker (DANUBE_BROKER_URL)', () => {
  const token = process.env['DANUBE_TOKEN'];
  defineCoreClientTests({
    url: () => url ?? '',
    namespace: process.env['DANUBE_NAMESPACE'] ?? 'default',
    clientOptions: token ? { token } : {},
  });
});

describe.skipIf(!url?.startsWith('http://') || process.env['DANUBE_TOKEN'] !== undefined)(
  'the wire suite against a real broker (DANUBE_BROKER_URL, plain text, no token)',
  () => {
    defineWireConformanceTests({
      url: () => url ?? '',
      namespace: process.env['DANUBE_NAMESPACE'] ?? 'default',
    });
  },
);
