import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFilter } from '../../src/observability/index.js';
import { REDACTED, SecretRedactor, redactSecrets } from '../../src/redact.js';
import { parseLogFilter } from '../../src/config/log-filter.js';
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

  it('takes LOG_LEVEL over RUST_LOG over the configured filter, case-insensitively', () => {
    const level = (configured: string | undefined, env: NodeJS.ProcessEnv) =>
      resolveLogFilter(configured, env).filter.level;
    expect(level('info', { LOG_LEVEL: 'DEBUG', RUST_LOG: 'trace' })).toBe('debug');
    expect(level('info', { RUST_LOG: 'warn' })).toBe('warn');
    expect(level('INFO', {})).toBe('info');
    expect(level('WARNING', {})).toBe('warn');
    expect(level('off', {})).toBe('silent');
    expect(level(undefined, {})).toBe('info');
    expect(level('error', { LOG_LEVEL: 'loud' })).toBe('error');
    expect(resolveLogFilter('error', { LOG_LEVEL: ' ', RUST_LOG: '' }).source).toBe(
      'processing.log_level',
    );
  });

  it('reports an invalid LOG_LEVEL or RUST_LOG and falls back to the next source', () => {
    const out = new LogCapture();
    const logger = createLogger({
      level: 'error',
      destination: out,
      env: { LOG_LEVEL: 'loud', RUST_LOG: 'info,x=noisy' },
    });
    expect(logger.level).toBe('error');
    const messages = out.records().map((r) => r.msg);
    expect(messages[0]).toMatch(
      /^ignoring LOG_LEVEL: "loud" is not a level \(trace, debug, info, warn, error, off\); for a target write loud=trace$/,
    );
    expect(messages[1]).toMatch(/^ignoring RUST_LOG: "x=noisy": "noisy" is not a level/);
  });

  it('gives child loggers the level of the directive naming their component', () => {
    const out = new LogCapture();
    const logger = createLogger({
      level: 'warn,pipeline=debug,client=error,mqtt::session=trace',
      destination: out,
      env: {},
    });
    expect(logger.level).toBe('warn');
    logger.child({ component: 'pipeline' }).debug('pipeline debug');
    logger.child({ component: 'client' }).warn('client warn (filtered)');
    logger.child({ component: 'poller' }).info('poller info (filtered)');
    logger.child({ component: 'poller' }).warn('poller warn');
    logger.child({ component: 'mqtt::session' }).trace('session trace');
    logger.child({ component: 'mqtt' }).info('mqtt info (filtered)');
    logger.child({ component: 'pipeline' }).child({ topic: '/a/b' }).debug('grandchild debug');
    expect(out.records().map((r) => r.msg)).toEqual([
      'pipeline debug',
      'poller warn',
      'session trace',
      'grandchild debug',
    ]);
  });
});

describe('parseLogFilter', () => {
  it('reads Rust env-filter directives', () => {
    expect(parseLogFilter('info')).toEqual({ level: 'info', targets: new Map() });
    expect(parseLogFilter('INFO')).toEqual({ level: 'info', targets: new Map() });
    expect(parseLogFilter(' info , my_connector=DEBUG ,')).toEqual({
      level: 'info',
      targets: new Map([['my_connector', 'debug']]),
    });
    expect(parseLogFilter('danube_connect_core::runtime=3,1')).toEqual({
      level: 'error',
      targets: new Map([['danube_connect_core::runtime', 'info']]),
    });
  });

  it('refuses what it cannot honour, naming the directive', () => {
    expect(() => parseLogFilter('')).toThrow(/no level given/);
    expect(() => parseLogFilter('x=loud')).toThrow(/"x=loud": "loud" is not a level/);
    expect(() => parseLogFilter('x[span{id=1}]=debug')).toThrow(/span and field filters/);
    expect(() => parseLogFilter('my_connector')).toThrow(/for a target write my_connector=trace/);
    expect(() => parseLogFilter('a b')).toThrow(/^"a b" is not a level \(trace[^;]*$/);
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
