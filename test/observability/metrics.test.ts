import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../../src/errors.js';
import { RuntimeMetrics } from '../../src/observability/index.js';
import { parsePrometheusText, sampleValue } from './prom-text.js';

const TOPICS = ['/default/orders', '/iot/sensors'];

async function scrape(metrics: RuntimeMetrics) {
  return parsePrometheusText(await metrics.text());
}

describe('RuntimeMetrics', () => {
  it('exposes every metric with HELP, TYPE and the danube_connector_ prefix', async () => {
    const metrics = new RuntimeMetrics({ connector: 'orders-source' });
    metrics.registerTopics(TOPICS);
    const families = await scrape(metrics);
    const expected: Record<string, string> = {
      danube_connector_records_received_total: 'counter',
      danube_connector_records_published_total: 'counter',
      danube_connector_records_failed_total: 'counter',
      danube_connector_retries_total: 'counter',
      danube_connector_dead_lettered_total: 'counter',
      danube_connector_skipped_total: 'counter',
      danube_connector_publish_latency_seconds: 'histogram',
      danube_connector_batch_size: 'histogram',
      danube_connector_inflight: 'gauge',
      danube_connector_buffered: 'gauge',
      danube_connector_last_committed_offset: 'gauge',
      danube_connector_committed_offsets_total: 'counter',
      danube_connector_healthy: 'gauge',
      danube_connector_producers: 'gauge',
      danube_connector_up: 'gauge',
      danube_connector_ready: 'gauge',
      // the Rust runtime's names (danube-connect-core src/metrics.rs)
      danube_connector_messages_received_total: 'counter',
      danube_connector_messages_processed_total: 'counter',
      danube_connector_messages_failed_total: 'counter',
      danube_connector_messages_retried_total: 'counter',
      danube_connector_processing_duration_seconds: 'histogram',
      danube_connector_inflight_messages: 'gauge',
      danube_connector_health: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) {
      const family = families.get(name);
      expect(family, name).toBeDefined();
      expect(family?.type, name).toBe(type);
      expect(family?.help.length, name).toBeGreaterThan(0);
    }
    // default process metrics are in the same registry
    expect(families.has('process_cpu_user_seconds_total')).toBe(true);
    // every sample of every family carries the connector label
    for (const family of families.values()) {
      for (const sample of family.samples) expect(sample.labels.connector).toBe('orders-source');
    }
  });

  it('labels per-topic series with the real topic names, starting at zero', async () => {
    const metrics = new RuntimeMetrics({ connector: 'c', defaultMetrics: false });
    metrics.registerTopics(TOPICS);
    metrics.recordReceived('/default/orders', 3);
    metrics.recordPublished('/default/orders', 0.004);
    metrics.recordPublished('/default/orders', 0.2);
    metrics.recordRetry('/iot/sensors');
    metrics.recordDeadLettered('/iot/sensors');
    metrics.recordSkipped('/iot/sensors');
    metrics.setInflight('/iot/sensors', 2);
    const families = await scrape(metrics);

    const perTopic = [
      'danube_connector_records_received_total',
      'danube_connector_records_published_total',
      'danube_connector_records_failed_total',
      'danube_connector_retries_total',
      'danube_connector_dead_lettered_total',
      'danube_connector_skipped_total',
      'danube_connector_inflight',
    ];
    for (const name of perTopic) {
      const topics = new Set(families.get(name)?.samples.map((s) => s.labels.topic));
      expect([...topics].sort(), name).toEqual(TOPICS);
    }
    for (const sample of families.get('danube_connector_publish_latency_seconds')?.samples ?? []) {
      expect(sample.labels.topic).toBe('/default/orders');
    }
    const v = (name: string, labels: Record<string, string>) => sampleValue(families, name, labels);
    expect(v('danube_connector_records_received_total', { topic: '/default/orders' })).toBe(3);
    expect(v('danube_connector_records_received_total', { topic: '/iot/sensors' })).toBe(0);
    expect(v('danube_connector_records_published_total', { topic: '/default/orders' })).toBe(2);
    expect(v('danube_connector_publish_latency_seconds_count', { topic: '/default/orders' })).toBe(
      2,
    );
    expect(
      v('danube_connector_publish_latency_seconds_bucket', {
        topic: '/default/orders',
        le: '0.005',
      }),
    ).toBe(1);
    expect(v('danube_connector_retries_total', { topic: '/iot/sensors' })).toBe(1);
    expect(v('danube_connector_dead_lettered_total', { topic: '/iot/sensors' })).toBe(1);
    expect(v('danube_connector_skipped_total', { topic: '/iot/sensors' })).toBe(1);
    expect(v('danube_connector_inflight', { topic: '/iot/sensors' })).toBe(2);
  });

  it('labels failures with every error kind, starting at zero', async () => {
    const metrics = new RuntimeMetrics({ connector: 'c', defaultMetrics: false });
    metrics.registerTopics(['/default/t']);
    metrics.recordFailed('/default/t', 'oversize');
    metrics.recordFailed('/default/t', 'internal');
    metrics.recordFailed('/default/t', 'internal');
    const samples =
      (await scrape(metrics)).get('danube_connector_records_failed_total')?.samples ?? [];
    expect(new Set(samples.map((s) => s.labels.error_type))).toEqual(new Set(ERROR_KINDS));
    const byType = Object.fromEntries(
      samples.map((s): [string, number] => [s.labels.error_type ?? '', s.value]),
    );
    expect(byType).toMatchObject({ oversize: 1, internal: 2, retryable: 0, schema: 0 });
  });

  it('exports numeric committed offsets as a gauge and counts every commit', async () => {
    const metrics = new RuntimeMetrics({ connector: 'c', defaultMetrics: false });
    metrics.setCommitted('table:orders', 41n);
    metrics.setCommitted('table:orders', '42');
    metrics.setCommitted('file:a.log', 17);
    metrics.setCommitted('cursor', 'eyJwYWdlIjozfQ==');
    const families = await scrape(metrics);
    const gauge = 'danube_connector_last_committed_offset';
    const counter = 'danube_connector_committed_offsets_total';
    expect(sampleValue(families, gauge, { partition: 'table:orders' })).toBe(42);
    expect(sampleValue(families, gauge, { partition: 'file:a.log' })).toBe(17);
    expect(sampleValue(families, gauge, { partition: 'cursor' })).toBeUndefined();
    expect(sampleValue(families, counter, { partition: 'table:orders' })).toBe(2);
    expect(sampleValue(families, counter, { partition: 'cursor' })).toBe(1);
  });

  it('keeps runtime-wide gauges and the batch histogram', async () => {
    const metrics = new RuntimeMetrics({ connector: 'c', defaultMetrics: false });
    metrics.setBuffered(7);
    metrics.setHealthy(false);
    metrics.setProducers(2);
    metrics.setUp(true);
    metrics.setReady(true);
    metrics.observeBatch(10);
    metrics.observeBatch(3);
    const families = await scrape(metrics);
    expect(sampleValue(families, 'danube_connector_buffered')).toBe(7);
    expect(sampleValue(families, 'danube_connector_healthy')).toBe(0);
    expect(sampleValue(families, 'danube_connector_producers')).toBe(2);
    expect(sampleValue(families, 'danube_connector_up')).toBe(1);
    expect(sampleValue(families, 'danube_connector_ready')).toBe(1);
    expect(sampleValue(families, 'danube_connector_batch_size_count')).toBe(2);
    expect(sampleValue(families, 'danube_connector_batch_size_sum')).toBe(13);
  });

  it('serves the Rust runtime series as aliases of ours: same samples, Rust names and labels', async () => {
    const metrics = new RuntimeMetrics({ connector: 'c', defaultMetrics: false });
    metrics.registerTopics(TOPICS);
    metrics.recordReceived('/default/orders', 4);
    metrics.recordPublished('/default/orders', 0.004);
    metrics.recordPublished('/iot/sensors', 0.3);
    metrics.recordFailed('/iot/sensors', 'timeout');
    metrics.recordRetry('/iot/sensors');
    metrics.setInflight('/default/orders', 3);
    metrics.setHealthy(false);
    metrics.observeBatch(4);
    const families = await scrape(metrics);
    const pairs: Array<[string, string]> = [
      ['records_received_total', 'messages_received_total'],
      ['records_published_total', 'messages_processed_total'],
      ['records_failed_total', 'messages_failed_total'],
      ['retries_total', 'messages_retried_total'],
      ['publish_latency_seconds', 'processing_duration_seconds'],
      ['inflight', 'inflight_messages'],
    ];
    for (const [ours, rust] of pairs) {
      const renamed = (families.get(`danube_connector_${ours}`)?.samples ?? []).map((sample) => ({
        ...sample,
        name: sample.name.replace(ours, rust),
      }));
      expect(renamed.length, ours).toBeGreaterThan(0);
      expect(families.get(`danube_connector_${rust}`)?.samples, rust).toEqual(renamed);
    }
    expect(
      sampleValue(families, 'danube_connector_messages_failed_total', {
        topic: '/iot/sensors',
        error_type: 'timeout',
      }),
    ).toBe(1);
    expect(families.get('danube_connector_health')?.samples).toEqual([
      {
        name: 'danube_connector_health',
        labels: { connector: 'c', topic: 'multi-topic' },
        value: 0,
      },
    ]);
    expect(
      sampleValue(families, 'danube_connector_batch_size_count', { topic: 'multi-topic' }),
    ).toBe(1);
  });

  it('gives every runtime its own registry', async () => {
    const a = new RuntimeMetrics({ connector: 'a' });
    const b = new RuntimeMetrics({ connector: 'b' });
    a.recordReceived('/default/x', 5);
    expect(a.registry).not.toBe(b.registry);
    const fromB = await scrape(b);
    expect(sampleValue(fromB, 'danube_connector_records_received_total')).toBeUndefined();
    expect(sampleValue(await scrape(a), 'danube_connector_records_received_total')).toBe(5);
  });
});
