import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/config/index.js';
import { ConnectorError } from '../../src/connector/errors.js';
import { defineConnector } from '../../src/connector/define-connector.js';
import { Offset } from '../../src/connector/offset.js';
import { SourceRecord } from '../../src/connector/record.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { REDACTED } from '../../src/redact.js';
import { runConnector } from '../../src/runtime/run-connector.js';
import { ListSource, quietLogger, topic, useTestBroker } from './support.js';

const broker = useTestBroker();

const UPSTREAM_KEY = 'up-KEY-0f1e2d';

describe('runConnector', () => {
  it('loads the configuration, runs the module until aborted and resolves', async () => {
    const source = new ListSource({
      topics: [topic('/default/run-connector')],
      batches: [
        [
          SourceEnvelope.withOffset(
            SourceRecord.string('/default/run-connector', 'hi'),
            Offset.of('p', 1),
          ),
        ],
      ],
    });
    const stop = new AbortController();
    const running = runConnector(
      defineConnector({ settings: z.object({}), create: () => source }),
      {
        env: { DANUBE_SERVICE_URL: broker().url, CONNECTOR_NAME: 'run-connector' },
        signal: stop.signal,
        handleSignals: false,
        runtime: { logger: quietLogger(), http: false },
      },
    );
    await broker().waitForMessages('/default/run-connector', 1, { timeoutMs: 60_000 });
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
  });

  it('rejects with the ConfigError listing what the configuration lacks', async () => {
    const error = await runConnector(
      defineConnector({
        settings: z.object({}),
        create: () => new ListSource({ topics: [], batches: [] }),
      }),
      { env: {} },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/danube_service_url/);
  });

  it("rejects with the connector's error, its message and stack scrubbed of the module's secrets", async () => {
    const module = defineConnector({
      settings: z.object({}),
      secrets: () => [UPSTREAM_KEY],
      create: () => {
        throw new ConnectorError('fatal', `upstream refused key ${UPSTREAM_KEY}`);
      },
    });
    const error = await runConnector(module, {
      env: { DANUBE_SERVICE_URL: broker().url, CONNECTOR_NAME: 'run-connector' },
      handleSignals: false,
      runtime: { logger: quietLogger(), http: false },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('fatal');
    expect((error as Error).message).toBe(`upstream refused key ${REDACTED}`);
    expect((error as Error).stack).not.toContain(UPSTREAM_KEY);
  });
});
