import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from '../../src/connector/define-connector.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { Offset } from '../../src/connector/offset.js';
import type { ProducerConfig } from '../../src/connector/producer-config.js';
import { SourceRecord } from '../../src/connector/record.js';
import type { SourceSender } from '../../src/connector/sender.js';
import { SourceConnector, type SourceMode } from '../../src/connector/source-connector.js';
import {
  checkConnectorConformance,
  ConformanceError,
  formatConformanceReport,
  type ConformanceReport,
} from '../../src/testing/conformance/index.js';
import { ConnectorRecorder } from '../../src/testing/conformance/recorder.js';
import { Fingerprints } from '../../src/testing/conformance/fingerprint.js';

/** An external "table" with a cursor store, as a database source would have. */
class Table {
  rows: Array<{ id: number; device: string; temp: number }> = [];
  cursor = -1;

  insert(n: number): void {
    for (let i = 0; i < n; i += 1) {
      const id = this.rows.length;
      this.rows.push({ id, device: `device-${id % 3}`, temp: 20 + (id % 7) });
    }
  }
}

const settings = z.object({
  source: z.object({ topic: z.string(), resume: z.boolean().default(true) }),
});

function tableConnector(table: Table, options: { dropOdd?: boolean } = {}) {
  return defineConnector({
    settings,
    create: (config) =>
      new TableSource(table, config.source.topic, config.source.resume, options.dropOdd ?? false),
  });
}

class TableSource extends SourceConnector {
  #next = 0;

  constructor(
    private readonly table: Table,
    private readonly topic: string,
    private readonly resume: boolean,
    private readonly dropOdd: boolean,
  ) {
    super();
  }

  initialize(): Promise<void> {
    this.#next = this.resume ? this.table.cursor + 1 : 0;
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return [{ topic: this.topic, partitions: 3, reliableDispatch: true }];
  }

  override poll(): Promise<SourceEnvelope[]> {
    const rows = this.table.rows.slice(this.#next, this.#next + 4);
    this.#next += rows.length;
    return Promise.resolve(
      rows
        .filter((row) => !this.dropOdd || row.id % 2 === 0)
        .map((row) =>
          SourceEnvelope.withOffset(
            SourceRecord.json(this.topic, row)
              .withKey(row.device)
              .withAttribute('table', 'readings'),
            Offset.of('readings', row.id),
          ),
        ),
    );
  }

  override commit(offsets: Offset[]): Promise<void> {
    for (const offset of offsets)
      this.table.cursor = Math.max(this.table.cursor, Number(offset.value));
    return Promise.resolve();
  }

  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const TABLE_CONFIG = `
danube_service_url = "http://localhost:6650"
connector_name = "table-source"

[processing]
batch_size = 5
batch_timeout_ms = 20
poll_interval_ms = 10

[source]
topic = "/warehouse/readings"
`;

/** A pub/sub upstream (MQTT-like) that needs an ack after durable publish. */
class Upstream extends EventEmitter {
  acked = 0;
  healthy = true;
}

class StreamSource extends SourceConnector {
  constructor(
    private readonly upstream: Upstream,
    private readonly honestHealth: boolean,
  ) {
    super();
  }

  override mode(): SourceMode {
    return 'streaming';
  }

  initialize(): Promise<void> {
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return [{ topic: '/iot/telemetry', partitions: 0, reliableDispatch: false }];
  }

  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    const onMessage = (payload: { n: number }): void => {
      void sender
        .send(
          SourceRecord.json('/iot/telemetry', payload).withAttribute(
            'mqtt.topic',
            `t/${payload.n}`,
          ),
        )
        .then((receipt) => receipt.delivered)
        .then(
          () => (this.upstream.acked += 1),
          () => undefined,
        );
    };
    this.upstream.on('message', onMessage);
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    this.upstream.off('message', onMessage);
  }

  override healthCheck(): Promise<void> {
    if (this.honestHealth && !this.upstream.healthy)
      return Promise.reject(new Error('upstream disconnected'));
    return Promise.resolve();
  }
}

function streamOptions(upstream: Upstream, honestHealth = true) {
  let sent = 0;
  return {
    create: () => new StreamSource(upstream, honestHealth),
    config: {
      danube_service_url: 'http://localhost:6650',
      connector_name: 'stream-source',
      processing: { health_check_failure_threshold: 2 },
    },
    emit: (n: number): Promise<void> => {
      for (let i = 0; i < n; i += 1) upstream.emit('message', { n: sent++ });
      return Promise.resolve();
    },
    health: {
      makeUnhealthy: () => {
        upstream.healthy = false;
      },
      makeHealthy: () => {
        upstream.healthy = true;
      },
    },
  };
}

async function conformanceError(run: Promise<ConformanceReport>): Promise<ConformanceError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConformanceError);
  return error as ConformanceError;
}

describe('checkConnectorConformance', () => {
  it('passes a well-behaved polling connector, including resume after restart', async () => {
    const table = new Table();
    table.insert(3); // rows that exist before the connector starts are delivered too
    const report = await checkConnectorConformance({
      module: tableConnector(table),
      config: TABLE_CONFIG,
      emit: (n) => Promise.resolve(table.insert(n)),
      emitWhileStopped: true,
      expectedTopics: ['/warehouse/readings'],
    });
    expect(report.properties.map((p) => [p.property, p.status])).toEqual([
      ['lifecycle-order', 'passed'],
      ['producer-configs', 'passed'],
      ['records-arrive', 'passed'],
      ['offsets-after-publish', 'passed'],
      ['shutdown-drains', 'passed'],
      ['restart-resumes', 'passed'],
      ['health-checks', 'skipped'],
    ]);
    expect(report.rounds.map((r) => r.handedOver)).toEqual([13, 10]);
    expect(report.rounds[1]?.lastCommitted).toEqual({ readings: '22' });
    expect(table.cursor).toBe(22);
    expect(formatConformanceReport(report)).toContain('✓ restart-resumes');
  });

  it('passes a streaming connector that acks upstream after publish, with health hooks', async () => {
    const upstream = new Upstream();
    const report = await checkConnectorConformance(streamOptions(upstream));
    expect(report.mode).toBe('streaming');
    expect(report.properties.find((p) => p.property === 'health-checks')).toMatchObject({
      status: 'passed',
      detail:
        'healthCheck() called periodically; unhealthy after 2 failure(s), healthy again after a pass',
    });
    expect(report.properties.find((p) => p.property === 'offsets-after-publish')?.status).toBe(
      'skipped',
    );
    expect(upstream.acked).toBe(20);
  });

  it('names records-arrive when the connector loses records, with an example', async () => {
    const table = new Table();
    const error = await conformanceError(
      checkConnectorConformance({
        module: tableConnector(table, { dropOdd: true }),
        config: TABLE_CONFIG,
        emit: (n) => Promise.resolve(table.insert(n)),
        records: 6,
        timeouts: { deliveryMs: 1_500 },
      }),
    );
    expect(error.violations.map((v) => v.property)).toContain('records-arrive');
    // How far the connector got within the deadline depends on the machine's load; after
    // the graceful stop, the round report has the settled counts.
    expect(error.message).toMatch(
      /✗ records-arrive: round 1: within 1500 ms of emit\(6\): [0-3] record\(s\) handed over, [0-3] stored by the broker/,
    );
  });

  it('names restart-resumes when a fresh instance re-reads committed records', async () => {
    const table = new Table();
    const error = await conformanceError(
      checkConnectorConformance({
        module: tableConnector(table),
        config: TABLE_CONFIG.replace('[source]', '[source]\nresume = false'),
        emit: (n) => Promise.resolve(table.insert(n)),
        records: 4,
      }),
    );
    expect(error.violations.map((v) => v.property)).toEqual(['restart-resumes']);
    expect(error.violations[0]?.detail).toBe(
      'after the restart the connector handed over a record already committed before it (it did not resume from its committed offset)',
    );
    expect(error.violations[0]?.example).toBe(
      'record #4 for /warehouse/readings, offset readings@0, key "device-0"',
    );
  });

  it('names records-arrive when the failure policy drops what the connector sends, with the reason', async () => {
    const options = streamOptions(new Upstream());
    const error = await conformanceError(
      checkConnectorConformance({
        ...options,
        config: {
          ...options.config,
          processing: { failure_policy: 'skip' },
          schemas: [
            {
              topic: '/iot/telemetry',
              subject: 'telemetry',
              schema_type: 'json_schema',
              schema_file: 'event.schema.json',
              auto_register: true,
            },
          ],
        },
        configDir: fileURLToPath(new URL('../fixtures/proof/', import.meta.url)),
        records: 2,
      }),
    );
    expect(error.violations[0]).toMatchObject({
      property: 'records-arrive',
      detail: '4 record(s) were not published: processing.failure_policy = "skip" dropped them',
      example:
        'record #0 for /iot/telemetry: /iot/telemetry (subject telemetry v1): $.seq: is required but missing',
    });
  });

  it('names health-checks when the connector reports healthy while its upstream is down', async () => {
    const error = await conformanceError(
      checkConnectorConformance({ ...streamOptions(new Upstream(), false), records: 2 }),
    );
    expect(error.violations.map((v) => v.property)).toEqual(['health-checks']);
    expect(error.violations[0]?.detail).toMatch(
      /^after makeUnhealthy\(\) the runtime still reported the connector healthy/,
    );
  });

  it('names producer-configs and lifecycle-order for an invalid topic', async () => {
    class BadTopic extends StreamSource {
      override producerConfigs(): ProducerConfig[] {
        return [{ topic: 'iot/telemetry', partitions: -1, reliableDispatch: false }];
      }
    }
    const error = await conformanceError(
      checkConnectorConformance({
        ...streamOptions(new Upstream()),
        create: () => new BadTopic(new Upstream(), true),
      }),
    );
    expect(error.violations.map((v) => v.property)).toEqual([
      'lifecycle-order',
      'producer-configs',
    ]);
    expect(error.violations[1]?.detail).toBe(
      'producerConfigs()[0].topic "iot/telemetry" is not a Danube topic name "/namespace/name"',
    );
  });
});

describe('ConnectorRecorder', () => {
  it('flags a commit made before the records it covers were stored', async () => {
    const recorder = new ConnectorRecorder(new Fingerprints([]), () => undefined);
    recorder.round = 1;
    const table = new Table();
    table.insert(2);
    const wrapped = recorder.wrap(new TableSource(table, '/warehouse/readings', true, false));
    await wrapped.initialize({} as never, {} as never);
    await wrapped.producerConfigs();
    const polled = await wrapped.poll!(new AbortController().signal);
    const offset = (polled[1] as SourceEnvelope).offset as Offset;
    await wrapped.commit!([offset]);
    expect(recorder.commits[0]?.problems).toEqual([
      'commit(readings@1) while record #0 for /warehouse/readings, offset readings@0, key "device-0" (handed over before it) was not published yet',
    ]);
  });
});
