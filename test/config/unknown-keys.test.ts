import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { didYouMean, editDistance } from '../../src/config/unknown-keys.js';
import { BASE, errorLines, parse, warningsOf } from './helpers.js';

const settings = z.object({
  mqtt: z.object({
    broker_host: z.string(),
    routes: z.array(z.object({ to: z.string() })).default([]),
  }),
});
const MQTT = '[mqtt]\nbroker_host = "h"\n';

describe('unknown keys', () => {
  it.each<[string, string, string]>([
    [
      'a typo in [processing]',
      '[processing]\nbatch_sise = 10',
      'processing.batch_sise: unknown key (did you mean "batch_size"?)',
    ],
    [
      'a typo in [retry]',
      '[retry]\nmax_retires = 2',
      'retry.max_retires: unknown key (did you mean "max_retries"?)',
    ],
    [
      'a typo in [danube]',
      '[danube]\ntokn = "x"',
      'danube.tokn: unknown key (did you mean "token"?)',
    ],
    [
      'a typo in [[schemas]]',
      '[[schemas]]\ntopic = "/a/b"\nsubject = "s"\nschema_type = "string"\nauto_registr = true',
      'schemas[0].auto_registr: unknown key (did you mean "auto_register"?)',
    ],
    ['a key with no close match', '[processing]\nturbo = true', 'processing.turbo: unknown key'],
    [
      'a key of another table',
      '[retry]\nbatch_size = 5',
      'retry.batch_size: unknown key (did you mean "processing.batch_size"?)',
    ],
    [
      'a core key at the root',
      'max_retries = 5',
      'max_retries: unknown key (did you mean "retry.max_retries"?)',
    ],
    [
      'a misspelt root table',
      '[procesing]\nbatch_size = 5',
      'procesing: unknown key (did you mean "processing"?)',
    ],
    [
      'a misspelt connector section',
      '[mqt]\nbroker_host = "h"',
      'mqt: unknown key (did you mean "mqtt"?)',
    ],
    ['a typo inside the connector section', '[mqtt.extra]\nx = 1', 'mqtt.extra: unknown key'],
    [
      'a typo inside a connector array of tables',
      '[[mqtt.routes]]\nto = "/a/b"\nt0 = 1',
      'mqtt.routes[0].t0: unknown key (did you mean "to"?)',
    ],
    [
      'a short key with no close match',
      '[[mqtt.routes]]\nto = "/a/b"\nqso = 1',
      'mqtt.routes[0].qso: unknown key',
    ],
    [
      'a Rust key the Rust runtime ignored',
      '[retry]\ninitial_interval_ms = 100',
      'retry.initial_interval_ms: unknown key (did you mean "retry_backoff_ms"? the Rust runtime ignored this key too)',
    ],
  ])('%s: a warning with a hint', (_name, extra, expected) => {
    // Root keys and the misspelt section go before [mqtt], table contents after it.
    const atRoot = !extra.startsWith('[') || extra.startsWith('[mqt]');
    const toml = atRoot ? `${BASE}${extra}\n${MQTT}` : `${BASE}${MQTT}${extra}\n`;
    const { config, warnings } = parse(toml, settings);
    expect(warnings).toEqual([`connector.toml: ${expected}`]);
    expect(config.core).toBeDefined();
    // strict mode: the same text becomes an error
    expect(errorLines(toml, settings, { strict: true })).toEqual([`connector.toml: ${expected}`]);
  });

  it('unknown keys are dropped from the loaded config', () => {
    const { config } = parse(`${BASE}${MQTT}[processing]\nbatch_sise = 10\n`, settings);
    expect(config.core.processing).not.toHaveProperty('batch_sise');
    expect(config.core.processing.batch_size).toBe(1000);
  });

  it('strict mode lists unknown keys together with the other problems', () => {
    expect(
      errorLines(`${BASE}${MQTT}[processing]\nbatch_sise = 10\nbatch_size = "x"\n`, settings, {
        strict: true,
      }),
    ).toEqual([
      'connector.toml: processing.batch_size: expected integer, got string',
      'connector.toml: processing.batch_sise: unknown key (did you mean "batch_size"?)',
    ]);
  });

  it('warnings are still emitted when the file has errors', () => {
    const warnings: string[] = [];
    expect(() =>
      parse(`${BASE}${MQTT}[processing]\nbatch_sise = 10\nbatch_size = 0\n`, settings, {
        warn: (message) => warnings.push(message),
      }),
    ).toThrow('connector.toml: processing.batch_size: must be at least 1');
    expect(warnings).toEqual([
      'connector.toml: processing.batch_sise: unknown key (did you mean "batch_size"?)',
    ]);
  });

  it('the warn callback also receives the structured problem', () => {
    const problems: unknown[] = [];
    parse(`${BASE}${MQTT}[danube]\ntokn = "x"\n`, settings, {
      warn: (_message, problem) => problems.push(problem),
    });
    expect(problems).toEqual([
      { path: 'danube.tokn', message: 'unknown key (did you mean "token"?)' },
    ]);
  });

  it('a strict connector object refuses unknown keys even outside strict mode', () => {
    const strictSettings = z.strictObject({ mqtt: z.strictObject({ broker_host: z.string() }) });
    expect(errorLines(`${BASE}${MQTT}broker_hots = "x"\n[mqt]\n`, strictSettings)).toEqual([
      'connector.toml: mqtt.broker_hots: unknown key (did you mean "broker_host"?)',
      'connector.toml: mqt: unknown key (did you mean "mqtt"?)',
    ]);
  });

  it('a loose connector object accepts any key silently', () => {
    const looseSettings = z.looseObject({ mqtt: z.looseObject({ broker_host: z.string() }) });
    const { config, warnings } = parse(
      `${BASE}${MQTT}anything = 1\n[extra]\nx = 1\n`,
      looseSettings,
      {
        strict: true,
      },
    );
    expect(warnings).toEqual([]);
    expect(config.mqtt).toEqual({ broker_host: 'h', anything: 1 });
  });

  it('a union of tables accepts the keys of any member', () => {
    const authSettings = z.object({
      auth: z.union([
        z.object({ type: z.literal('apikey'), header: z.string() }),
        z.object({ type: z.literal('hmac'), algorithm: z.string() }),
      ]),
    });
    expect(
      warningsOf(`${BASE}[auth]\ntype = "hmac"\nalgorithm = "sha256"\n`, authSettings),
    ).toEqual([]);
    expect(
      warningsOf(
        `${BASE}[auth]\ntype = "hmac"\nalgoritm = "sha256"\nalgorithm = "x"\n`,
        authSettings,
      ),
    ).toEqual(['connector.toml: auth.algoritm: unknown key (did you mean "algorithm"?)']);
  });

  it('dead_letter_topic without the dead_letter policy is ignored with a warning', () => {
    expect(
      warningsOf(`${BASE}${MQTT}[processing]\ndead_letter_topic = "/default/dlq"\n`, settings),
    ).toEqual([
      'connector.toml: processing.dead_letter_topic: ignored unless failure_policy = "dead_letter"',
    ]);
  });
});

describe('did-you-mean', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('batch_sise', 'batch_size')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest candidate, or nothing when none is close', () => {
    expect(didYouMean('poll_intervall_ms', ['poll_interval_ms', 'batch_timeout_ms'])).toBe(
      'poll_interval_ms',
    );
    expect(didYouMean('Batch_Size', ['batch_size'])).toBe('batch_size');
    expect(didYouMean('retries', ['max_retries', 'retry_backoff_ms'])).toBe('max_retries');
    expect(didYouMean('zzz', ['batch_size'])).toBeUndefined();
  });
});
