import { describe, expect, it } from 'vitest';
import { SourceRecord } from '../../../src/connector/record.js';
import type { StoredMessage } from '../../../src/testing/broker/types.js';
import { recordsArriveVerdict } from '../../../src/testing/conformance/properties/records-arrive.js';
import { partitionForKey } from '../../../src/client/routing.js';
import { evidence, handOver, round, storedAll, TOPIC } from './synthetic-evidence.js';

function storedMessage(overrides: Partial<StoredMessage>): StoredMessage {
  return {
    topic: TOPIC,
    offset: 0n,
    payload: Buffer.from('{}'),
    attributes: {},
    producerName: 'p',
    producerId: '1',
    requestId: '1',
    publishTime: 0n,
    ...overrides,
  };
}

describe('records-arrive verdict', () => {
  it('passes when every first-round record is stored, counting keys and attributes', () => {
    const withAttribute = handOver(1, {
      record: SourceRecord.json(TOPIC, { n: 1 }).withAttribute('table', 'readings'),
    });
    const handOvers = [handOver(0), withAttribute];
    expect(
      recordsArriveVerdict(evidence({ handOvers, storedTopics: storedAll(handOvers) })),
    ).toEqual({
      property: 'records-arrive',
      status: 'passed',
      detail: '2 record(s) stored (1 with key, 1 with attributes)',
    });
  });

  it('fails when nothing was handed over', () => {
    expect(recordsArriveVerdict(evidence({ handOvers: [] }))).toMatchObject({
      status: 'failed',
      detail: 'no record was handed over',
    });
  });

  it('ignores records the runtime refused (send during stop)', () => {
    const refused = handOver(1, { accepted: false });
    const handOvers = [handOver(0), refused];
    expect(
      recordsArriveVerdict(evidence({ handOvers, storedTopics: storedAll([handOver(0)]) })).status,
    ).toBe('passed');
  });

  it('fails a missing record, explaining what the broker holds instead', () => {
    const lost = handOver(1);
    const handOvers = [handOver(0), lost];
    const payload = Buffer.from(JSON.stringify({ n: 1 }));
    const result = recordsArriveVerdict(
      evidence({
        handOvers,
        storedTopics: storedAll([handOver(0)]),
        stored: [storedMessage({ payload, key: 'someone-else' })],
      }),
    );
    expect(result).toEqual({
      property: 'records-arrive',
      status: 'failed',
      detail: '1 of 2 handed-over record(s) not stored with their key and attributes',
      example:
        'record #1 for /warehouse/readings, offset readings@1, key "device-1" arrived with key "someone-else" instead of "device-1"',
    });
  });

  it('counts a second copy of the same record only when the broker stored two', () => {
    const twice = [handOver(0), handOver(1, { fingerprint: 'fp-0', ordinal: 2 })];
    const result = recordsArriveVerdict(
      evidence({ handOvers: twice, storedTopics: storedAll([handOver(0)]) }),
    );
    expect(result.detail).toBe(
      '1 of 2 handed-over record(s) not stored with their key and attributes',
    );
  });

  it('fails records the failure policy dropped, with the reason', () => {
    const skipped = handOver(1, {
      via: 'send',
      result: { status: 'skipped', error: new Error('$.seq: is required but missing') },
    });
    const result = recordsArriveVerdict(
      evidence({
        handOvers: [handOver(0), skipped],
        storedTopics: storedAll([handOver(0)]),
        rounds: [round({ policyDropped: 1 })],
        failurePolicy: 'skip',
      }),
    );
    expect(result).toEqual({
      property: 'records-arrive',
      status: 'failed',
      detail: '1 record(s) were not published: processing.failure_policy = "skip" dropped them',
      example:
        'record #1 for /warehouse/readings, offset readings@1, key "device-1": $.seq: is required but missing',
    });
  });

  it("falls back to the runtime's last error when no receipt tells why (polling)", () => {
    const result = recordsArriveVerdict(
      evidence({
        rounds: [round({ policyDropped: 2, lastError: 'no schema' })],
        failurePolicy: 'dead_letter',
      }),
    );
    expect(result).toMatchObject({
      status: 'failed',
      detail:
        '2 record(s) were not published: processing.failure_policy = "dead_letter" dropped them',
      example: 'last error: no schema',
    });
  });

  it('fails a keyed record stored on another partition than its key routes to', () => {
    const entry = handOver(0);
    const expected = partitionForKey('device-0', 3);
    const wrong = `${TOPIC}-part-${(expected + 1) % 3}`;
    const result = recordsArriveVerdict(
      evidence({
        handOvers: [entry],
        producerConfigs: [{ topic: TOPIC, partitions: 3, reliableDispatch: true }],
        storedTopics: new Map([['fp-0', [wrong]]]),
      }),
    );
    expect(result).toEqual({
      property: 'records-arrive',
      status: 'failed',
      detail: `a keyed record did not land on the partition its key routes to (${TOPIC}-part-${expected})`,
      example: `record #0 for /warehouse/readings, offset readings@0, key "device-0" stored on ${wrong}`,
    });
  });
});
