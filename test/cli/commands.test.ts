import { describe, expect, it } from 'vitest';
import { COMMANDS, generalHelp, runCli } from '../../src/cli/cli.js';
import { memoryIo } from './support/memory-io.js';

const CONFIGS = 'test/fixtures/cli/configs';
const MODULE = 'test/fixtures/cli/counter-connector.ts';

describe('danube-connect help', () => {
  it('lists every command and the exit codes', async () => {
    const { io, stdout } = memoryIo();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const command of COMMANDS) expect(stdout.text).toContain(command.name);
    expect(stdout.text).toContain('Exit codes:');
    expect(generalHelp()).toBe(stdout.text.trimEnd());
  });

  it.each(COMMANDS.map((c) => c.name))(
    'prints usage, options and exit codes for %s --help',
    async (name) => {
      const { io, stdout } = memoryIo();
      expect(await runCli([name, '--help'], io)).toBe(0);
      expect(stdout.text).toContain(`Usage: danube-connect ${name}`);
      expect(stdout.text).toContain('--help');
      expect(stdout.text.match(/^Exit codes:$/gm)).toHaveLength(1);
      const lines = stdout.text.split('\n').filter((line) => line.trim() !== '');
      expect(lines.filter((line, i) => lines.indexOf(line) !== i)).toEqual([]);
      const viaHelp = memoryIo();
      expect(await runCli(['help', name], viaHelp.io)).toBe(0);
      expect(viaHelp.stdout.text).toBe(stdout.text);
    },
  );

  it('exits 2 for no command, an unknown command or an unknown option', async () => {
    expect(await runCli([], memoryIo().io)).toBe(2);
    const unknown = memoryIo();
    expect(await runCli(['launch'], unknown.io)).toBe(2);
    expect(unknown.stderr.text).toContain('unknown command "launch"');
    const badOption = memoryIo();
    expect(await runCli(['config-schema', '--pretty'], badOption.io)).toBe(2);
    expect(badOption.stderr.text).toMatch(/Unknown option '--pretty'/);
    expect(badOption.stderr.text).toContain('danube-connect config-schema --help');
  });

  it('prints the package version', async () => {
    const { io, stdout } = memoryIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(stdout.text.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('danube-connect config-schema', () => {
  it('prints the core configuration JSON Schema', async () => {
    const { io, stdout } = memoryIo();
    expect(await runCli(['config-schema'], io)).toBe(0);
    const schema = JSON.parse(stdout.text) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'danube_service_url',
        'connector_name',
        'processing',
        'retry',
        'schemas',
        'danube',
      ]),
    );
  });

  it('adds the connector keys of --module', async () => {
    const { io, stdout } = memoryIo();
    expect(await runCli(['config-schema', '--module', MODULE], io)).toBe(0);
    const schema = JSON.parse(stdout.text) as { properties: Record<string, unknown> };
    expect(schema.properties).toHaveProperty('counter');
  });
});

describe('danube-connect validate-config', () => {
  it('exits 0 for a valid file', async () => {
    const { io, stdout } = memoryIo();
    expect(await runCli(['validate-config', `${CONFIGS}/valid.toml`, '--module', MODULE], io)).toBe(
      0,
    );
    expect(stdout.text).toContain('valid (connector "counter"');
  });

  it('exits 1 and prints every problem with its key path', async () => {
    const { io, stderr } = memoryIo();
    const code = await runCli(
      ['validate-config', `${CONFIGS}/invalid.toml`, '--module', MODULE],
      io,
    );
    expect(code).toBe(1);
    for (const path of [
      'danube_service_url',
      'processing.batch_size',
      'schemas[0].version_strategy',
      'counter.topic',
      'counter.count',
    ]) {
      expect(stderr.text).toContain(`invalid.toml: ${path}: `);
    }
  });

  it('checks only the core keys without --module', async () => {
    const { io, stderr } = memoryIo();
    expect(await runCli(['validate-config', `${CONFIGS}/valid.toml`, '--strict'], io)).toBe(0);
    expect(stderr.text).toBe('');
  });

  it('warns about unknown keys, and fails on them with --strict', async () => {
    const lenient = memoryIo();
    const file = `${CONFIGS}/unknown-key.toml`;
    expect(await runCli(['validate-config', file, '--module', MODULE], lenient.io)).toBe(0);
    expect(lenient.stderr.text).toMatch(/warning: .*retry\.initial_interval_ms/);
    const strict = memoryIo();
    expect(await runCli(['validate-config', file, '--module', MODULE, '--strict'], strict.io)).toBe(
      1,
    );
    expect(strict.stderr.text).toMatch(/error: .*retry\.initial_interval_ms/);
  });

  it('exits 1 for a missing file and 2 for a missing argument or a bad module', async () => {
    const missing = memoryIo();
    expect(await runCli(['validate-config', `${CONFIGS}/nope.toml`], missing.io)).toBe(1);
    expect(missing.stderr.text).toContain('file not found');
    expect(await runCli(['validate-config'], memoryIo().io)).toBe(2);
    const bad = memoryIo();
    const code = await runCli(
      [
        'validate-config',
        `${CONFIGS}/valid.toml`,
        '--module',
        'test/fixtures/cli/not-a-connector.ts',
      ],
      bad.io,
    );
    expect(code).toBe(2);
    expect(bad.stderr.text).toContain('must default-export defineConnector');
  });

  it('never prints a declared secret taken from the environment', async () => {
    const { io, stdout, stderr } = memoryIo({ COUNTER_API_KEY: 'sk-validate-0042' });
    await runCli(['validate-config', `${CONFIGS}/invalid.toml`, '--module', MODULE], io);
    expect(stdout.text + stderr.text).not.toContain('sk-validate-0042');
  });
});

describe('danube-connect run (set-up errors)', () => {
  it('exits 2 without a module, with a bad module, without a config, with an invalid config', async () => {
    expect(await runCli(['run'], memoryIo().io)).toBe(2);

    const bad = memoryIo({ CONNECTOR_CONFIG_PATH: `${CONFIGS}/valid.toml` });
    expect(await runCli(['run', 'test/fixtures/cli/missing.js'], bad.io)).toBe(2);
    expect(bad.stderr.text).toContain(
      'cannot load connector module "test/fixtures/cli/missing.js"',
    );

    const noConfig = memoryIo({});
    expect(await runCli(['run', MODULE], noConfig.io)).toBe(2);
    expect(noConfig.stderr.text).toContain('CONNECTOR_CONFIG_PATH');

    const invalid = memoryIo({ CONNECTOR_CONFIG_PATH: `${CONFIGS}/invalid.toml` });
    expect(await runCli(['run', MODULE], invalid.io)).toBe(2);
    expect(invalid.stderr.text).toContain('invalid.toml: processing.batch_size: ');
    expect(invalid.stderr.text).toContain('the configuration is invalid');

    const viaFlag = memoryIo({});
    expect(await runCli(['run', MODULE, '--config', `${CONFIGS}/invalid.toml`], viaFlag.io)).toBe(
      2,
    );
    expect(viaFlag.stderr.text).toContain('invalid.toml: counter.count: ');
  });
});
