import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { RuntimeMetrics } from '../../src/observability/metrics.js';
import { RuntimeState } from '../../src/observability/state.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { DanubeConnectError } from '../../src/errors.js';
import { isRetryableConnectorFailure } from '../../src/runtime/errors.js';
import { OUTAGE_LOG_INTERVAL_MS, SourceOutage } from '../../src/runtime/source-outage.js';
import { LogCapture } from '../observability/log-capture.js';

function setup(timeoutMs?: number) {
  const clock = new ManualClock();
  const metrics = new RuntimeMetrics({ connector: 'c', defaultMetrics: false });
  const state = new RuntimeState({ connector: 'c', metrics });
  const logs = new LogCapture();
  const outage = new SourceOutage({
    operation: 'poll()',
    clock,
    backoff: { baseMs: 1_000, maxMs: 30_000 },
    timeoutMs,
    state,
    logger: pino({ level: 'debug' }, logs),
    random: () => 1,
  });
  const at = (ms: number) => clock.advance(ms - clock.now());
  return { clock, state, metrics, logs, outage, at };
}

describe('SourceOutage', () => {
  it('retries errors of a retryable kind and errors that are not ours', () => {
    expect(isRetryableConnectorFailure(ConnectorError.retryable('x'))).toBe(true);
    expect(isRetryableConnectorFailure(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryableConnectorFailure('a string')).toBe(true);
    expect(isRetryableConnectorFailure(ConnectorError.fatal('x'))).toBe(false);
    expect(isRetryableConnectorFailure(ConnectorError.config('x'))).toBe(false);
    expect(isRetryableConnectorFailure(ConnectorError.invalidData('x'))).toBe(false);
    expect(isRetryableConnectorFailure(new DanubeConnectError('unavailable', 'x'))).toBe(true);
    expect(isRetryableConnectorFailure(new DanubeConnectError('usage', 'x'))).toBe(false);
    // A kind on an error that is not ours is not read.
    expect(isRetryableConnectorFailure(Object.assign(new Error('x'), { kind: 'fatal' }))).toBe(
      true,
    );
  });

  it('warns at the first failure, then at most once a minute, and tells the recovery', async () => {
    const s = setup();
    const failAt = async (ms: number) => {
      await s.at(ms);
      return s.outage.failed(new Error('connection refused'));
    };
    expect(await failAt(0)).toBe(1_000);
    expect(await failAt(1_000)).toBe(2_000);
    expect(await failAt(3_000)).toBe(4_000);
    expect(await failAt(59_000)).toBe(8_000);
    expect(await failAt(61_000)).toBe(16_000);
    expect(await failAt(100_000)).toBe(30_000);
    await s.at(130_000);
    s.outage.recovered();
    const lines = s.logs.records().map((r) => [r['level'], r['msg']]);
    expect(lines).toEqual([
      [40, 'poll() failed, retrying in 1000 ms: connection refused'],
      [20, 'poll() failed again, retrying in 2000 ms'],
      [20, 'poll() failed again, retrying in 4000 ms'],
      [20, 'poll() failed again, retrying in 8000 ms'],
      [
        40,
        'poll() failed, retrying in 16000 ms (5 failures in 61 s, 3 not logged): connection refused',
      ],
      [20, 'poll() failed again, retrying in 30000 ms'],
      [30, 'poll() works again after 6 failure(s) over 130 s'],
    ]);
    expect(OUTAGE_LOG_INTERVAL_MS).toBe(60_000);
  });

  it('counts every failure in source_failures_total (unclassified errors as retryable) and turns readiness off until recovery', async () => {
    const s = setup();
    s.state.markRunning();
    s.state.setConnected(true);
    s.state.setProducers([]);
    s.outage.failed(ConnectorError.retryable('HTTP 429'));
    s.outage.failed(new Error('ECONNRESET'));
    expect(s.state.readiness()).toEqual({
      ready: false,
      reasons: ['source failing: poll() failed 2 times in a row, retrying: Error: ECONNRESET'],
    });
    const text = await s.metrics.text();
    expect(text).toContain(
      'danube_connector_source_failures_total{error_type="retryable",connector="c"} 2',
    );
    expect(text).toContain(
      'danube_connector_source_failures_total{error_type="fatal",connector="c"} 0',
    );
    expect(text).toContain('danube_connector_ready{connector="c"} 0');
    s.outage.recovered();
    expect(s.state.readiness()).toEqual({ ready: true, reasons: [] });
    expect(s.state.snapshot().sourceFailures).toBe(2);
  });

  it('throws a timeout naming the key once the time budget is spent', async () => {
    const s = setup(10_000);
    expect(s.outage.failed(new Error('down'))).toBe(1_000);
    await s.at(9_000);
    // capped to what is left of the budget
    expect(s.outage.failed(new Error('down'))).toBe(1_000);
    await s.at(10_000);
    let thrown: unknown;
    try {
      s.outage.failed(new Error('still down'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      kind: 'timeout',
      keyPath: 'retry.source_retry_timeout_ms',
      message:
        'poll() kept failing for 10000 ms (3 attempts), longer than retry.source_retry_timeout_ms = 10000: still down',
    });
  });
});
