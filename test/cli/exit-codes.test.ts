import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { EXIT, exitCodeOf } from '../../src/cli/exit-codes.js';
import { DanubeConnectError, ERROR_KINDS } from '../../src/errors.js';
import { memoryIo } from './support/memory-io.js';

const FAILING = 'test/fixtures/cli/failing-connector.ts';
const CONFIG = 'test/fixtures/cli/configs/failing.toml';

/** The exit code docs/cli.md gives each kind: set-up mistakes 2, every other failure 1. */
const EXPECTED = Object.fromEntries(
  ERROR_KINDS.map((kind) => [kind, kind === 'config' || kind === 'usage' ? 2 : 1]),
);

describe('exitCodeOf', () => {
  it.each(ERROR_KINDS)('gives kind %s its documented exit code', (kind) => {
    expect(exitCodeOf(new DanubeConnectError(kind, 'x'))).toBe(EXPECTED[kind]);
  });

  it('reads the kind only: not the name, the message or a kind on a foreign error', () => {
    expect(exitCodeOf(Object.assign(new Error('bad --flag'), { name: 'UsageError' }))).toBe(
      EXIT.FAILURE,
    );
    expect(exitCodeOf(new Error('configuration error: invalid key'))).toBe(EXIT.FAILURE);
    expect(exitCodeOf(Object.assign(new Error('x'), { kind: 'config' }))).toBe(EXIT.FAILURE);
    expect(exitCodeOf('text')).toBe(EXIT.FAILURE);
  });
});

describe('danube-connect run, failing with each kind', () => {
  it.each(ERROR_KINDS)('exits as kind %s says', async (kind) => {
    const { io, stderr } = memoryIo({ CONNECTOR_CONFIG_PATH: CONFIG, FAIL_KIND: kind });
    expect(await runCli(['run', FAILING], io)).toBe(EXPECTED[kind]);
    expect(stderr.text).toContain(`create() failed with kind ${kind}`);
    const what =
      kind === 'config' ? 'configuration error' : kind === 'usage' ? 'usage error' : 'fatal error';
    expect(stderr.text).toContain(`danube-connect run: stopped on a ${what}:`);
  });

  it('exits 1 for an error that is not ours, whatever kind property it carries', async () => {
    const { io } = memoryIo({ CONNECTOR_CONFIG_PATH: CONFIG, FAIL_KIND: 'nonsense' });
    expect(await runCli(['run', FAILING], io)).toBe(EXIT.FAILURE);
  });
});
