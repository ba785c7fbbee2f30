import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { RuntimeStoppingError } from '../../src/connector/errors.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import { SourceConnector } from '../../src/connector/source-connector.js';
import type { ProducerConfig } from '../../src/connector/producer-config.js';
import type { DeliveryResult } from '../../src/connector/sender.js';
import { partitionForKey } from '../../src/client/routing.js';
import { InMemorySender } from '../../src/testing/harness/in-memory-sender.js';
import { PollHarness } from '../../src/testing/harness/poll-harness.js';
import { testCoreConfig } from '../../src/testing/harness/core-config.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/proof/', import.meta.url));

class RowsConnector extends SourceConnector {
  readonly committed: Offset[][] = [];
  #rows: Array<{ id: number; device: string; temp: number | string }>;

  constructor(rows: Array<{ id: number; device: string; temp: number | string }>) {
    super();
    this.#rows = [...rows];
  }

  initialize(): Promise<void> {
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return [
      { topic: '/default/readings', partitions: 4, reliableDispatch: true },
      { topic: '/default/raw', partitions: 0, reliableDispatch: false },
    ];
  }

  override poll(): Promise<SourceEnvelope[]> {
    const batch = this.#rows.splice(0, 2);
    return Promise.resolve(
      batch.flatMap((row) => [
        SourceEnvelope.withOffset(
          SourceRecord.json('/default/readings', {
            seq: row.id,
            key: row.device,
            note: String(row.temp),
          })
            .withKey(row.device)
            .withAttribute('unit', 'C'),
          Offset.of('rows', row.id),
        ),
        SourceEnvelope.of(
          SourceRecord.number('/default/raw', typeof row.temp === 'number' ? row.temp : 0),
        ),
      ]),
    );
  }

  override commit(offsets: Offset[]): Promise<void> {
    this.committed.push(offsets);
    return Promise.resolve();
  }
}

describe('PollHarness', () => {
  const core = testCoreConfig({
    config_dir: FIXTURES,
    schemas: [
      {
        topic: '/default/readings',
        subject: 'proof-event',
        schema_type: 'json_schema',
        schema_file: 'event.schema.json',
      },
    ],
  });

  it('shows each polled envelope with its serialized bytes, partition and offset', async () => {
    const connector = new RowsConnector([
      { id: 1, device: 'device-42', temp: 21.5 },
      { id: 2, device: 'a', temp: 19 },
    ]);
    const harness = new PollHarness(connector, { core });
    await harness.start();
    const polled = await harness.poll();
    expect(polled).toHaveLength(4);
    const [first, raw] = polled;
    expect(first?.partitionTopic).toBe(`/default/readings-part-${partitionForKey('device-42', 4)}`);
    expect(first?.text).toBe('{"seq":1,"key":"device-42","note":"21.5"}');
    expect(first?.attributes).toEqual({ unit: 'C' });
    expect(first?.schema).toEqual({
      subject: 'proof-event',
      schemaType: 'json_schema',
      wireFormat: 'default',
    });
    expect(raw?.partitionTopic).toBe('/default/raw');
    expect(raw?.bytes.toString()).toBe('21.5');
    expect(await harness.pollUntilEmpty()).toEqual([]);
    expect((await harness.commit()).map(String)).toEqual(['rows@2']);
    expect(connector.committed).toHaveLength(1);
    await harness.stop();
  });

  it('reports what the runtime would refuse instead of throwing', async () => {
    const harness = new PollHarness(new RowsConnector([]), { core });
    await harness.start();
    const bad = harness.describe(
      SourceEnvelope.of(SourceRecord.json('/default/readings', { seq: -1 })),
    );
    expect(bad.error?.message).toBe('/default/readings (subject proof-event): $.seq: must be >= 0');
    const undeclared = harness.describe(
      SourceEnvelope.of(SourceRecord.string('/default/other', 'x')),
    );
    expect(undeclared.error?.message).toBe(
      'record for /default/other: the topic is not declared in producerConfigs()',
    );
  });
});

describe('InMemorySender', () => {
  it('records what is sent and settles receipts at once by default', async () => {
    const sender = new InMemorySender();
    const receipt = await sender.send(SourceRecord.string('/default/logs', 'hello').withKey('k'));
    await expect(receipt.delivered).resolves.toMatchObject({
      status: 'published',
      topic: '/default/logs',
    });
    expect(sender.records().map((r) => r.key)).toEqual(['k']);
  });

  it('lets the test settle receipts, and applies backpressure at capacity', async () => {
    const sender = new InMemorySender({ settle: 'manual', capacity: 2 });
    const outcomes: Array<DeliveryResult | Error> = [];
    const track = (p: Promise<DeliveryResult>): void => {
      p.then(
        (r) => outcomes.push(r),
        (e: unknown) => outcomes.push(e as Error),
      );
    };
    const [r0, r1] = await sender.sendBatch([
      SourceRecord.string('/default/logs', 'a'),
      SourceEnvelope.withOffset(SourceRecord.string('/default/logs', 'b'), Offset.of('p', 1)),
    ]);
    track(r0!.delivered);
    track(r1!.delivered);
    let thirdAccepted = false;
    const third = sender.send(SourceRecord.string('/default/logs', 'c')).then((r) => {
      thirdAccepted = true;
      return r;
    });
    await Promise.resolve();
    expect(thirdAccepted).toBe(false);
    expect(sender.pending()).toHaveLength(2);

    sender.fail(0, new Error('broker said no'));
    const r2 = await third;
    expect(thirdAccepted).toBe(true);
    sender.publish();
    await r2.delivered;
    await r1!.delivered;
    expect(outcomes.map((o) => (o instanceof Error ? o.message : o.status))).toEqual([
      'broker said no',
      'published',
    ]);
    expect(sender.sent.map((s) => s.state)).toEqual(['failed', 'published', 'published']);
    expect(sender.sent[1]?.offset?.toString()).toBe('p@1');
  });

  it('waits for sends without polling, and refuses sends after stop (isClosed)', async () => {
    const sender = new InMemorySender();
    const waiting = sender.waitForSent(2);
    await sender.send(SourceRecord.string('/default/logs', 'a'));
    await sender.send(SourceRecord.string('/default/logs', 'b'));
    expect((await waiting).map((s) => s.index)).toEqual([0, 1]);
    expect(sender.isClosed()).toBe(false);
    sender.stop();
    expect(sender.isClosed()).toBe(true);
    await expect(sender.send(SourceRecord.string('/default/logs', 'c'))).rejects.toBeInstanceOf(
      RuntimeStoppingError,
    );
  });

  it('never turns an unawaited failed receipt into an unhandled rejection', async () => {
    const sender = new InMemorySender({ settle: 'manual' });
    await sender.send(SourceRecord.string('/default/logs', 'a'));
    sender.fail(undefined, new Error('nobody listens'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.sent[0]?.state).toBe('failed');
  });
});
