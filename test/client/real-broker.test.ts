import { describe } from 'vitest';
import { defineCoreClientTests } from './core-suite.js';

const url = process.env['DANUBE_BROKER_URL'];

/**
 * The core client tests against a real Danube broker, when `DANUBE_BROKER_URL` is set
 * (e.g. `DANUBE_BROKER_URL=http://localhost:6650 npx vitest run test/client/real-broker`).
 * `DANUBE_TOKEN` is sent when set; the namespace `default` must exist.
 */
describe.skipIf(!url)('DanubeClient against a real broker (DANUBE_BROKER_URL)', () => {
  const token = process.env['DANUBE_TOKEN'];
  defineCoreClientTests({
    url: () => url ?? '',
    namespace: process.env['DANUBE_NAMESPACE'] ?? 'default',
    clientOptions: token ? { token } : {},
  });
});
