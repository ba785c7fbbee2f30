import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSecrets } from '../../src/config/index.js';
import { REDACTED } from '../../src/redact.js';
import { BASE, TLS_BASE, errorLines, parse } from './helpers.js';

const settings = z.object({
  mqtt: z.object({
    broker_host: z.string().meta({ env: 'MQTT_BROKER_HOST' }),
    broker_port: z.int().default(1883).meta({ env: 'MQTT_BROKER_PORT' }),
    use_tls: z.boolean().default(false).meta({ env: 'MQTT_USE_TLS' }),
    username: z.string().optional(),
    // meta inside the optional wrapper: found as well
    password: z.string().meta({ env: 'MQTT_PASSWORD', secret: true }).optional(),
    auth: z
      .object({ token: z.string().optional().meta({ env: 'MQTT_AUTH_TOKEN', secret: true }) })
      .optional(),
    routes: z.array(z.object({ from: z.string(), to: z.string() })).default([]),
  }),
});
const MQTT = '[mqtt]\nbroker_host = "mosquitto"\n';

describe('environment overrides', () => {
  it('DANUBE_SERVICE_URL and CONNECTOR_NAME override the file', () => {
    const { config } = parse(BASE, undefined, {
      env: { DANUBE_SERVICE_URL: 'https://prod:6650', CONNECTOR_NAME: 'prod-source' },
    });
    expect(config.core.danube_service_url).toBe('https://prod:6650');
    expect(config.core.connector_name).toBe('prod-source');
  });

  it('supply required keys the file leaves out', () => {
    const { config } = parse('', undefined, {
      env: { DANUBE_SERVICE_URL: 'http://broker:6650', CONNECTOR_NAME: 'from-env' },
    });
    expect(config.core.danube_service_url).toBe('http://broker:6650');
    expect(config.core.connector_name).toBe('from-env');
  });

  it('DANUBE_TOKEN sets danube.token, creating the table, and is a secret', () => {
    const { config } = parse(TLS_BASE, undefined, { env: { DANUBE_TOKEN: 'jwt-from-env' } });
    expect(config.core.danube.token).toBe('jwt-from-env');
    expect(config.core.danube.connect_timeout_ms).toBe(10_000);
    expect(config.core.secrets).toEqual(['jwt-from-env']);
  });

  it('DANUBE_TOKEN with an http URL is refused, naming danube.token', () => {
    expect(errorLines(BASE, undefined, { env: { DANUBE_TOKEN: 'jwt-from-env' } })).toEqual([
      'connector.toml: danube.token: needs an https:// danube_service_url (a token is only sent over TLS); the URL is http://localhost:6650',
    ]);
  });

  it('DANUBE_TOKEN wins over a token in the file', () => {
    const { config } = parse(`${TLS_BASE}[danube]\ntoken = "file-token"\n`, undefined, {
      env: { DANUBE_TOKEN: 'env-token' },
    });
    expect(config.core.danube.token).toBe('env-token');
    expect(config.core.secrets).toEqual(['env-token']);
  });

  it('an empty variable counts as unset', () => {
    const { config } = parse(BASE, undefined, {
      env: { DANUBE_SERVICE_URL: '', CONNECTOR_NAME: '', DANUBE_TOKEN: '' },
    });
    expect(config.core.danube_service_url).toBe('http://localhost:6650');
    expect(config.core.connector_name).toBe('test-source');
    expect(config.core.danube.token).toBeUndefined();
  });

  it('connector fields declared with meta.env, nested ones included', () => {
    const { config } = parse(`${BASE}${MQTT}`, settings, {
      env: {
        MQTT_BROKER_HOST: 'mqtt.prod',
        MQTT_PASSWORD: 'p4ssw0rd',
        MQTT_AUTH_TOKEN: 'tok-123',
      },
    });
    expect(config.mqtt.broker_host).toBe('mqtt.prod');
    expect(config.mqtt.password).toBe('p4ssw0rd');
    expect(config.mqtt.auth?.token).toBe('tok-123');
  });

  it('turns variables into numbers and booleans for number and boolean fields', () => {
    const { config } = parse(`${BASE}${MQTT}`, settings, {
      env: { MQTT_BROKER_PORT: '8883', MQTT_USE_TLS: 'true' },
    });
    expect(config.mqtt.broker_port).toBe(8883);
    expect(config.mqtt.use_tls).toBe(true);
    expect(
      parse(`${BASE}${MQTT}`, settings, { env: { MQTT_USE_TLS: '0' } }).config.mqtt.use_tls,
    ).toBe(false);
  });

  it('a bad value from the environment names the variable', () => {
    expect(errorLines(`${BASE}${MQTT}`, settings, { env: { MQTT_BROKER_PORT: 'eighty' } })).toEqual(
      [
        'connector.toml: mqtt.broker_port: expected integer, got string (value from MQTT_BROKER_PORT)',
      ],
    );
    expect(errorLines(BASE, undefined, { env: { DANUBE_SERVICE_URL: 'broker:6650' } })).toEqual([
      'connector.toml: danube_service_url: expected an http:// or https:// URL such as "http://localhost:6650" (value from DANUBE_SERVICE_URL)',
    ]);
  });

  it('secrets declared in the file are collected too', () => {
    const { config } = parse(`${BASE}${MQTT}password = "in-file"\n`, settings);
    expect(configSecrets(config)).toEqual(['in-file']);
  });
});

describe('what never comes from the environment', () => {
  const everything = {
    PROCESSING_BATCH_SIZE: '5',
    BATCH_SIZE: '5',
    DANUBE_PROCESSING_BATCH_SIZE: '5',
    PROCESSING_LOG_LEVEL: 'debug',
    LOG_LEVEL: 'debug',
    METRICS_PORT: '1',
    RETRY_MAX_RETRIES: '9',
    MAX_RETRIES: '9',
    PUBLISH_TIMEOUT_MS: '1',
    SCHEMAS: '[{"topic":"/a/b"}]',
    DANUBE_SCHEMAS: '[]',
    ROUTES: '[{"from":"x","to":"/a/b"}]',
    MQTT_ROUTES: '[{"from":"x","to":"/a/b"}]',
    MQTT_USERNAME: 'not-declared',
    DANUBE_TLS_CA_FILE: '/ca.pem',
    TLS_CA_FILE: '/ca.pem',
    DANUBE_CONNECT_TIMEOUT_MS: '1',
    CONNECTOR_CONFIG_PATH: '/elsewhere.toml',
  };

  it('processing, retry, schemas, danube tables, routes and undeclared fields keep their file values', () => {
    const { config } = parse(`${BASE}${MQTT}`, settings, { env: everything });
    const fresh = parse(`${BASE}${MQTT}`, settings).config;
    expect(config).toEqual(fresh);
    expect(config.core.processing.batch_size).toBe(1000);
    expect(config.core.processing.log_level).toBe('info');
    expect(config.core.retry.max_retries).toBe(3);
    expect(config.core.schemas).toEqual([]);
    expect(config.core.danube.tls_ca_file).toBeUndefined();
    expect(config.mqtt.routes).toEqual([]);
    expect(config.mqtt.username).toBeUndefined();
  });

  it('process.env is not read when an env is passed', () => {
    process.env.CONNECTOR_NAME = 'from-process-env';
    try {
      expect(parse(BASE).config.core.connector_name).toBe('test-source');
    } finally {
      delete process.env.CONNECTOR_NAME;
    }
  });
});

describe('secrets', () => {
  const secretSettings = z.object({
    api: z.object({
      key: z
        .string()
        .refine((value) => value.startsWith('sk_'), {
          error: (issue) => `API key ${String(issue.input)} must start with sk_`,
        })
        .meta({ env: 'API_KEY', secret: true }),
      pin: z.string().meta({ secret: true }).optional(),
    }),
  });

  it('are kept out of JSON.stringify and Object.keys of the config', () => {
    const { config } = parse(
      `${TLS_BASE}[danube]\ntoken = "tok-file"\n[api]\nkey = "sk_live_123"\n`,
      secretSettings,
    );
    expect(Object.keys(config.core)).not.toContain('secrets');
    expect(JSON.stringify(config.core)).not.toContain('secrets');
    expect(config.core.secrets).toEqual(['tok-file', 'sk_live_123']);
    expect(configSecrets(config.core)).toEqual(['tok-file', 'sk_live_123']);
    expect(Object.isFrozen(config.core.secrets)).toBe(true);
  });

  it('never appear in error messages: a refinement echoing the value is redacted', () => {
    const lines = errorLines(`${BASE}[api]\nkey = "pk_live_987654"\n`, secretSettings);
    expect(lines).toEqual([`connector.toml: api.key: API key ${REDACTED} must start with sk_`]);
  });

  it('never appear in error messages: a secret from the environment', () => {
    const lines = errorLines(`${BASE}[api]\n`, secretSettings, {
      env: { API_KEY: 'pk_env_secret' },
    });
    expect(lines).toEqual([
      `connector.toml: api.key: API key ${REDACTED} must start with sk_ (value from API_KEY)`,
    ]);
  });

  it('a wrong-typed secret is described by its type only', () => {
    const lines = errorLines(`${BASE}[api]\nkey = 98765\npin = 4242\n`, secretSettings);
    expect(lines).toEqual([
      'connector.toml: api.key: expected string, got integer',
      'connector.toml: api.pin: expected string, got integer',
    ]);
    expect(lines.join('\n')).not.toMatch(/98765|4242/);
  });

  it('a secret on a malformed line stays out of the message', () => {
    const lines = errorLines(`${BASE}[api]\nkey = "sk_hidden_value\n`, secretSettings);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('sk_hidden_value');
  });
});
