import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  SecretRedactor,
  createLogger,
  redactSecrets,
  resolveLogLevel,
} from '../../src/observability/index.js';
import { LogCapture } from './log-capture.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig-Tok3n';
const PASSWORD = 'p@ss"w\\rd';
const API_KEY = 'sk_live_12345';
const SECRETS = [TOKEN, PASSWORD, API_KEY];

function capture(level = 'trace', secrets: Iterable<string> | SecretRedactor = SECRETS) {
  const out = new LogCapture();
  const logger = createLogger({ level, secrets, destination: out, env: {} });
  return { out, logger };
}

describe('createLogger', () => {
  it('writes JSON lines with level, time and message', () => {
    const { out, logger } = capture('info');
    logger.info({ topic: '/default/t' }, 'hello %s', 'world');
    logger.debug('not shown');
    const [record] = out.records();
    expect(out.lines).toHaveLength(1);
    expect(record).toMatchObject({ level: 30, msg: 'hello world', topic: '/default/t' });
    expect(typeof record?.time).toBe('string');
  });

  it('redacts secrets in messages, nested objects and keys', () => {
    const { out, logger } = capture();
    logger.info(`connecting with token ${TOKEN}`);
    logger.warn(
      { auth: { header: `Bearer ${TOKEN}`, list: [API_KEY, { deep: PASSWORD }] }, [API_KEY]: 1 },
      'nested',
    );
    const text = out.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain(JSON.stringify(PASSWORD).slice(1, -1));
    const [first, second] = out.records();
    expect(first?.msg).toBe(`connecting with token ${REDACTED}`);
    expect(second?.auth).toEqual({
      header: `Bearer ${REDACTED}`,
      list: [REDACTED, { deep: REDACTED }],
    });
  });

  it('redacts secrets inside error messages, stacks and causes', () => {
    const { out, logger } = capture();
    const cause = new Error(`upstream refused key ${API_KEY}`);
    const error = new Error(`login failed for password ${PASSWORD}`, { cause });
    logger.error(error);
    logger.error({ err: error, error: new Error(TOKEN) }, 'publish failed');
    const text = out.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const [first, second] = out.records();
    const err = first?.err as { message: string; stack: string };
    expect(err.message).toMatch(new RegExp(`^login failed for password \\[REDACTED\\]`));
    expect(err.stack).toContain(`login failed for password ${REDACTED}`);
    expect(text).toContain(`upstream refused key ${REDACTED}`);
    expect((second?.error as { message: string }).message).toBe(REDACTED);
  });

  it('redacts in child loggers and in their bindings', () => {
    const { out, logger } = capture();
    const child = logger.child({ component: 'publisher', credential: API_KEY });
    child.info(`token=${TOKEN}`);
    const [record] = out.records();
    expect(record).toMatchObject({ component: 'publisher', credential: REDACTED });
    expect(record?.msg).toBe(`token=${REDACTED}`);
  });

  it('redacts secrets added to the redactor after the logger was created', () => {
    const redactor = new SecretRedactor();
    const { out, logger } = capture('info', redactor);
    redactor.add('late-secret-value');
    logger.info('value late-secret-value here');
    expect(out.records()[0]?.msg).toBe(`value ${REDACTED} here`);
  });

  it('takes LOG_LEVEL over the configured level, case-insensitively', () => {
    expect(resolveLogLevel('info', { LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(resolveLogLevel('WARNING', {})).toBe('warn');
    expect(resolveLogLevel(undefined, {})).toBe('info');
    expect(resolveLogLevel('error', { LOG_LEVEL: 'loud' })).toBe('error');
    const out = new LogCapture();
    const logger = createLogger({ level: 'error', destination: out, env: { LOG_LEVEL: 'loud' } });
    expect(logger.level).toBe('error');
    expect(out.records()[0]?.msg).toMatch(/ignoring LOG_LEVEL/);
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence, longest secret first, ignoring empty secrets', () => {
    expect(redactSecrets('abc abcdef abc', ['abc', 'abcdef', ''])).toBe(
      `${REDACTED} ${REDACTED} ${REDACTED}`,
    );
    expect(redactSecrets('a.b*c', ['.b*'])).toBe(`a${REDACTED}c`);
    expect(redactSecrets('nothing here', [])).toBe('nothing here');
  });

  it('scrubs values deeply, errors included', () => {
    const redactor = new SecretRedactor([API_KEY]);
    const value = redactor.redactValue({ a: [API_KEY], e: new Error(`bad ${API_KEY}`) }) as {
      a: string[];
      e: { message: string; stack: string };
    };
    expect(value.a).toEqual([REDACTED]);
    expect(value.e.message).toBe(`bad ${REDACTED}`);
    expect(value.e.stack).not.toContain(API_KEY);
  });
});
