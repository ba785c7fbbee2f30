import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CONFIG_DOCS_DISPLAY,
  CONFIG_DOCS_PATH,
  formattedConfigurationReference,
} from '../../scripts/config-docs.js';
import { connectorConfigJsonSchema, coreConfigJsonSchema } from '../../src/config/json-schema.js';
import { renderConfigurationReference } from '../../src/config/reference.js';
import { CORE_KEYS, coreShape } from '../../src/config/index.js';

describe('configuration reference', () => {
  it(`${CONFIG_DOCS_DISPLAY} is up to date (run \`npm run docs:config\`)`, async () => {
    const committed = await readFile(CONFIG_DOCS_PATH, 'utf8');
    expect(committed).toBe(await formattedConfigurationReference());
  });

  it('documents every key of every core table with its default', () => {
    const markdown = renderConfigurationReference();
    for (const table of ['processing', 'retry', 'danube'] as const) {
      for (const key of Object.keys(coreShape[table].unwrap().shape)) {
        expect(markdown).toContain(`| \`${key}\` |`);
      }
    }
    expect(markdown).toContain('| `publish_timeout_ms` | integer ≥ 1 | `120000` |');
    expect(markdown).toContain('| `DANUBE_TOKEN` | `danube.token` (secret) |');
  });
});

describe('JSON Schema', () => {
  it('describes the core keys, requiring the two mandatory ones', () => {
    const schema = coreConfigJsonSchema() as {
      properties: Record<string, { default?: unknown; properties?: Record<string, unknown> }>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual(CORE_KEYS);
    expect(schema.required).toEqual(['danube_service_url', 'connector_name']);
    expect(schema.properties.processing?.properties?.max_inflight_per_partition).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 1024,
      default: 1,
    });
  });

  it('accepts what the file may say: the json alias and the version forms', () => {
    const schema = JSON.stringify(coreConfigJsonSchema());
    expect(schema).toContain('"json"');
    expect(schema).toContain('"pinned"');
    expect(schema).toContain('"minimum"');
  });

  it('combines the core with a connector schema', () => {
    const schema = connectorConfigJsonSchema(
      z.object({
        mqtt: z.object({ password: z.string().meta({ env: 'MQTT_PASSWORD', secret: true }) }),
      }),
    ) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual([...CORE_KEYS, 'mqtt']);
    expect(JSON.stringify(schema.properties.mqtt)).toContain('"env":"MQTT_PASSWORD"');
  });
});
