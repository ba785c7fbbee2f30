import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConnectorConformance } from 'danube-connect-core/testing';
import { describe, expect, it } from 'vitest';
import { WebhookSourceConnector } from './connector.js';
import { signatureHeader } from './hmac-signature.js';
import { webhookSettings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));
const env = { SERVER_PORT: '0', WEBHOOK_SECRET: 'whsec_conformance' };

describe('webhook-source example', () => {
  it('passes the connector conformance kit', async () => {
    let current: WebhookSourceConnector | undefined;
    const report = await checkConnectorConformance({
      settings: webhookSettings,
      // A factory rather than the module, to learn the port each instance listens on.
      create: (config) => (current = new WebhookSourceConnector(config, { env })),
      config: readFileSync(join(here, 'connector.toml'), 'utf8'),
      configDir: here,
      env,
      expectedTopics: ['/payments/events'],
      emit: async (count, { emittedBefore }) => {
        const { port } = await (current as WebhookSourceConnector).listening;
        for (let i = emittedBefore; i < emittedBefore + count; i++) {
          const body = JSON.stringify({
            id: `evt_${i}`,
            type: 'payment.succeeded',
            amount: i,
            currency: 'EUR',
          });
          const response = await fetch(`http://127.0.0.1:${port}/webhooks/payments`, {
            method: 'POST',
            headers: {
              'x-webhook-signature': signatureHeader(
                'sha256',
                env.WEBHOOK_SECRET,
                Date.now() / 1000,
                body,
              ),
            },
            body,
          });
          expect(response.status).toBe(202);
        }
      },
    });
    // Webhooks are answered one by one: there are no offsets to commit.
    const notPassed = report.properties.filter((p) => p.status !== 'passed').map((p) => p.property);
    expect(notPassed).toEqual(['offsets-after-publish']);
  });
});
