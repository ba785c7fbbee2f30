import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, loadConfigSync } from '../../src/config/index.js';
import { BASE } from './helpers.js';
import { mqttSettings } from './rust-settings.js';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'danube-config-'));
  await mkdir(path.join(dir, 'etc'));
  file = path.join(dir, 'etc', 'connector.toml');
  await writeFile(
    file,
    `${BASE}[mqtt]\nbroker_host = "h"\nclient_id = "c"\n[[mqtt.routes]]\nfrom = "a/#"\nto = "/iot/a"\n`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('reads the file named by CONNECTOR_CONFIG_PATH', async () => {
    const config = await loadConfig(mqttSettings, { env: { CONNECTOR_CONFIG_PATH: file } });
    expect(config.core.connector_name).toBe('test-source');
    expect(config.mqtt.routes[0]?.to).toBe('/iot/a');
  });

  it('an explicit path wins over CONNECTOR_CONFIG_PATH', async () => {
    const config = await loadConfig(mqttSettings, {
      path: file,
      env: { CONNECTOR_CONFIG_PATH: path.join(dir, 'missing.toml') },
    });
    expect(config.mqtt.broker_host).toBe('h');
  });

  it('config_dir is the absolute folder of the file, also for a relative path', async () => {
    const relative = path.relative(process.cwd(), file);
    const config = await loadConfig(mqttSettings, { path: relative, env: {} });
    expect(config.core.config_dir).toBe(path.join(dir, 'etc'));
  });

  it('without settings validates the core only (connector keys are warned about)', async () => {
    const warnings: string[] = [];
    const config = await loadConfig(undefined, {
      path: file,
      env: {},
      warn: (message) => warnings.push(message),
    });
    expect(config.core.connector_name).toBe('test-source');
    expect(warnings).toEqual([`${file}: mqtt: unknown key`]);
  });

  it('without a file, takes the core from the environment alone (Rust from_env)', async () => {
    const env = {
      DANUBE_SERVICE_URL: 'https://danube.example:6650',
      CONNECTOR_NAME: 'from-env',
      DANUBE_TOKEN: 'jwt-from-env',
      CONNECTOR_CONFIG_PATH: '',
    };
    for (const config of [
      await loadConfig(undefined, { env }),
      loadConfigSync(undefined, { env }),
    ]) {
      expect(config.core.danube_service_url).toBe('https://danube.example:6650');
      expect(config.core.connector_name).toBe('from-env');
      expect(config.core.danube.token).toBe('jwt-from-env');
      expect(config.core.secrets).toEqual(['jwt-from-env']);
      expect(config.core.processing.batch_size).toBe(1000);
      expect(config.core.schemas).toEqual([]);
      expect(config.core.config_dir).toBe(process.cwd());
    }
  });

  it('without a file, names the variable of every required key the environment leaves out', async () => {
    const error = await loadConfig(mqttSettings, { env: { MQTT_BROKER_HOST: 'h' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe('');
    expect((error as ConfigError).message.split('\n')).toEqual([
      'danube_service_url: required key missing: set DANUBE_SERVICE_URL, or give a configuration file (CONNECTOR_CONFIG_PATH)',
      'connector_name: required key missing: set CONNECTOR_NAME, or give a configuration file (CONNECTOR_CONFIG_PATH)',
      'mqtt.client_id: required key missing: set MQTT_CLIENT_ID, or give a configuration file (CONNECTOR_CONFIG_PATH)',
      'mqtt.routes: required key missing',
    ]);
  });

  it('names a file that does not exist', async () => {
    const missing = path.join(dir, 'nope.toml');
    await expect(loadConfig(mqttSettings, { path: missing, env: {} })).rejects.toThrow(
      `${missing}: cannot read the configuration file: file not found`,
    );
  });

  it('names a folder given as the file', async () => {
    await expect(loadConfig(mqttSettings, { path: dir, env: {} })).rejects.toThrow(
      `${dir}: cannot read the configuration file: is a directory, not a file`,
    );
  });

  it('problems name the file as given', async () => {
    const bad = path.join(dir, 'bad.toml');
    await writeFile(bad, 'connector_name = "x"\n');
    const error = (await loadConfig(undefined, { path: bad, env: {} }).catch(
      (e: unknown) => e,
    )) as ConfigError;
    expect(error.file).toBe(bad);
    expect(error.message).toBe(`${bad}: danube_service_url: required key missing`);
  });

  it('warns on console.warn by default', async () => {
    const typo = path.join(dir, 'typo.toml');
    await writeFile(typo, `${BASE}[retry]\nmax_retrys = 1\n`);
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await loadConfig(undefined, { path: typo, env: {} });
      expect(spy).toHaveBeenCalledWith(
        `${typo}: retry.max_retrys: unknown key (did you mean "max_retries"?)`,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses settings that declare a core key', async () => {
    const { z } = await import('zod');
    await expect(
      loadConfig(z.object({ processing: z.object({}) }), { path: file, env: {} }),
    ).rejects.toThrow('connector settings schema must not declare the core key "processing"');
  });
});

describe('loadConfigSync', () => {
  it('loads the same configuration synchronously', async () => {
    const sync = loadConfigSync(mqttSettings, { path: file, env: {} });
    const async = await loadConfig(mqttSettings, { path: file, env: {} });
    expect(sync).toEqual(async);
    expect(sync.core.secrets).toEqual(async.core.secrets);
  });

  it('throws the same errors', () => {
    expect(() =>
      loadConfigSync(mqttSettings, { path: path.join(dir, 'nope.toml'), env: {} }),
    ).toThrow(ConfigError);
  });
});
