/**
 * `npm run example:webhook`: HTTP webhooks → Danube in one process. Starts a Danube broker
 * (embedded, unless DANUBE_SERVICE_URL is set) and the connector with connector.toml on a free
 * port, POSTs signed payment events like a payment provider would, and prints the HTTP answers
 * and what a Danube consumer receives.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceRuntime, createLogger, loadConfig } from 'danube-connect-core';
import { consumeAndPrint, demoDanube } from '../shared/demo-danube.js';
import { WebhookSourceConnector } from './connector.js';
import { signatureHeader } from './hmac-signature.js';
import { webhookSettings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));
const secret = process.env.WEBHOOK_SECRET ?? 'whsec_demo_secret';

const danube = await demoDanube(['payments']);
const env = {
  ...process.env,
  DANUBE_SERVICE_URL: danube.url,
  SERVER_PORT: '0',
  WEBHOOK_SECRET: secret,
};
const config = await loadConfig(webhookSettings, { path: join(here, 'connector.toml'), env });
// The HMAC secret comes from the variable named by [auth] secret_env, not from a setting
// declared secret: hand it to the logger and to the runtime (/status, the errors it keeps).
const secrets = [secret];
// Quiet unless LOG_LEVEL says otherwise (LOG_LEVEL=info tells the runtime's story).
const logger = createLogger({
  level: 'error',
  secrets: [...config.core.secrets, ...secrets],
  name: config.core.connector_name,
});
const connector = new WebhookSourceConnector(config, { env, log: logger });
const runtime = new SourceRuntime(connector, config.core, {
  logger,
  secrets,
  http: { port: 0 },
});
const stop = new AbortController();
const running = runtime.run({ signal: stop.signal });
const { port } = await Promise.race([connector.listening, running.then(() => ({ port: 0 }))]);
const base = `http://127.0.0.1:${port}`;
console.log(
  `Webhook server at ${base}; status at ${runtime.httpUrl ?? '(no HTTP server)'}/status\n`,
);

const consumer = await consumeAndPrint(danube.url, '/payments/events', 'webhook-demo');

async function deliver(label: string, body: string, signature: string | undefined): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-webhook-signature'] = signature;
  const response = await fetch(`${base}/webhooks/payments`, { method: 'POST', headers, body });
  console.log(`  → POST /webhooks/payments ${label}: ${response.status} ${await response.text()}`);
}

const now = () => Math.floor(Date.now() / 1000);
const events = [
  { id: 'evt_1001', type: 'payment.succeeded', amount: 4200, currency: 'EUR' },
  { id: 'evt_1002', type: 'payment.refunded', amount: 1500, currency: 'EUR' },
];
for (const event of events) {
  const body = JSON.stringify({ ...event, created: now() });
  await deliver(event.id, body, signatureHeader('sha256', secret, now(), body));
}
const replayed = JSON.stringify({
  id: 'evt_1003',
  type: 'payment.succeeded',
  amount: 990,
  currency: 'EUR',
});
const signature = signatureHeader('sha256', secret, now(), replayed);
await deliver('evt_1003 (signed)', replayed, signature);
await deliver('evt_1003 again (replay)', replayed, signature);
await deliver('unsigned', JSON.stringify({ id: 'evt_1004' }), undefined);
const stale = JSON.stringify({
  id: 'evt_1005',
  type: 'payment.failed',
  amount: 1,
  currency: 'EUR',
});
await deliver(
  'signed 10 minutes ago',
  stale,
  signatureHeader('sha256', secret, now() - 600, stale),
);
const invalid = JSON.stringify({
  id: 'evt_1006',
  type: 'payment.succeeded',
  amount: -5,
  currency: 'euro',
});
await deliver(
  'refused by the JSON Schema',
  invalid,
  signatureHeader('sha256', secret, now(), invalid),
);

console.log('\nA Danube consumer receives:');
await consumer.take(3);

await consumer.close();
stop.abort();
await running;
await danube.close();
console.log('\nDone.');
