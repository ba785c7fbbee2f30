import { describe, expect, it } from 'vitest';
import { DanubeConnectError } from '../../src/errors.js';
import { RuntimeMetrics, RuntimeState } from '../../src/observability/index.js';
import { parsePrometheusText, sampleValue } from './prom-text.js';

const PRODUCERS = [
  { topic: '/default/orders', name: 'orders-p', partitions: 0 },
  { topic: '/iot/sensors', name: 'sensors-p', partitions: 3, reliableDispatch: true },
];

describe('RuntimeState', () => {
  it('is ready only when connected, producers created, healthy and not stopping', () => {
    const state = new RuntimeState({ connector: 'c' });
    expect(state.readiness()).toEqual({
      ready: false,
      reasons: ['not connected to the Danube broker', 'producers not created'],
    });
    state.setConnected(true);
    state.setProducers(PRODUCERS);
    state.markRunning();
    expect(state.readiness()).toEqual({ ready: true, reasons: [] });

    state.setHealthy(false, new Error('upstream API returned 503'));
    expect(state.readiness().ready).toBe(false);
    expect(state.readiness().reasons).toEqual([
      'connector health check failing: Error: upstream API returned 503',
    ]);
    state.setHealthy(true);
    expect(state.readiness().ready).toBe(true);

    state.markStopping();
    expect(state.readiness()).toEqual({ ready: false, reasons: ['runtime is stopping'] });
    state.markStopped();
    expect(state.phase).toBe('stopped');
  });

  it('counts per topic and in total, and keeps the last error redacted', () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const state = new RuntimeState({ connector: 'c', secrets: ['hunter2'], now: () => now });
    state.setMode('polling');
    state.setProducers(PRODUCERS);
    state.recordReceived('/default/orders', 4);
    state.recordPublished('/default/orders', 0.01);
    state.recordPublished('/default/orders', 0.01);
    state.recordRetry('/default/orders');
    state.recordFailed('/iot/sensors', new DanubeConnectError('timeout', 'late'));
    const type = state.recordFailed(
      '/default/orders',
      new DanubeConnectError('rejected', 'denied for hunter2'),
    );
    state.recordDeadLettered('/default/orders');
    state.recordSkipped('/iot/sensors');
    state.setInflight('/iot/sensors', 1);
    state.setBuffered(9);
    state.setCommitted('rows', 120n);
    now += 5000;

    expect(type).toBe('rejected');
    const snapshot = state.snapshot();
    expect(snapshot).toMatchObject({
      connector: 'c',
      mode: 'polling',
      phase: 'starting',
      startedAt: '2025-01-01T00:00:00.000Z',
      uptimeSeconds: 5,
      buffered: 9,
      committedOffsets: { rows: '120' },
      totals: { received: 4, published: 2, failed: 2, retries: 1, deadLettered: 1, skipped: 1 },
      lastError: {
        message: 'DanubeConnectError: denied for [REDACTED]',
        errorType: 'rejected',
        topic: '/default/orders',
        at: '2025-01-01T00:00:00.000Z',
      },
    });
    expect(snapshot.producers).toEqual(PRODUCERS);
    expect(snapshot.topics.map((t) => t.topic)).toEqual(['/default/orders', '/iot/sensors']);
    expect(snapshot.topics[1]).toMatchObject({ failedByType: { timeout: 1 }, inflight: 1 });
    expect(JSON.stringify(snapshot)).not.toContain('hunter2');
  });

  it('keeps the metrics in step with every call', async () => {
    const metrics = new RuntimeMetrics({ connector: 'c', defaultMetrics: false });
    const state = new RuntimeState({ connector: 'c', metrics });
    state.setConnected(true);
    state.setProducers(PRODUCERS);
    state.markRunning();
    state.recordReceived('/iot/sensors', 2);
    state.recordPublished('/iot/sensors', 0.002);
    state.setHealthy(false, 'probe failed');
    const families = parsePrometheusText(await metrics.text());
    expect(
      sampleValue(families, 'danube_connector_records_received_total', { topic: '/iot/sensors' }),
    ).toBe(2);
    expect(
      sampleValue(families, 'danube_connector_records_published_total', { topic: '/iot/sensors' }),
    ).toBe(1);
    expect(
      sampleValue(families, 'danube_connector_records_received_total', {
        topic: '/default/orders',
      }),
    ).toBe(0);
    expect(sampleValue(families, 'danube_connector_producers')).toBe(2);
    expect(sampleValue(families, 'danube_connector_up')).toBe(1);
    expect(sampleValue(families, 'danube_connector_healthy')).toBe(0);
    expect(sampleValue(families, 'danube_connector_ready')).toBe(0);
  });
});
