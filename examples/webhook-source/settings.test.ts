import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from 'danube-connect-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import webhookModule from './connector.js';
import { webhookSettings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('webhook-source configuration', () => {
  it('loads a config written for the Rust webhook connector unchanged', async () => {
    const warnings: string[] = [];
    const config = await loadConfig(webhookSettings, {
      path: join(here, 'fixtures/rust-connector.toml'),
      env: {},
      warn: (message) => warnings.push(message),
    });
    expect(config.auth).toMatchObject({
      type: 'apikey',
      secret_env: 'WEBHOOK_API_KEY',
      header: 'x-api-key',
    });
    expect(config.server).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      max_body_size: 1048576,
      trust_proxy: false,
    });
    expect(config.routes[1]?.rate_limit).toMatchObject({
      requests_per_second: 100,
      burst_size: 200,
    });
    // The Rust runtime ignored these keys silently; we say so.
    expect(warnings.join('\n')).toMatch(/retry\.initial_interval_ms/);
  });

  it('reports the key named by [auth] secret_env as a secret to redact', async () => {
    const config = await loadConfig(webhookSettings, {
      path: join(here, 'fixtures/rust-connector.toml'),
      env: {},
      warn: () => undefined,
    });
    vi.stubEnv('WEBHOOK_API_KEY', 'key-from-the-environment');
    expect([...(webhookModule.secrets?.(config) ?? [])]).toEqual(['key-from-the-environment']);
  });

  it('accepts api_key as an alias of apikey', () => {
    const parsed = webhookSettings.parse({
      auth: { type: 'api_key', secret_env: 'K' },
      routes: [{ from: '/a', to: '/ns/a' }],
    });
    expect(parsed.auth.type).toBe('apikey');
    expect(parsed.server).toMatchObject({ host: '0.0.0.0', port: 8080, timeout_seconds: 30 });
  });

  it('refuses duplicate route paths and paths without a leading slash', () => {
    const result = webhookSettings.safeParse({
      auth: { type: 'none' },
      routes: [
        { from: '/a', to: '/ns/a' },
        { from: '/a', to: '/ns/b' },
        { from: 'c', to: '/ns/c' },
      ],
    });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['routes.2.from', "route 'from' must start with '/'"],
      ['routes.1.from', 'duplicate route path /a'],
    ]);
  });
});
