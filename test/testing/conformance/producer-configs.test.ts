import { describe, expect, it } from 'vitest';
import { SourceRecord } from '../../../src/connector/record.js';
import { producerConfigsVerdict } from '../../../src/testing/conformance/properties/producer-configs.js';
import { evidence, handOver, TOPIC } from './synthetic-evidence.js';

describe('producer-configs verdict', () => {
  it('passes valid declarations covering every record, summarising them', () => {
    expect(producerConfigsVerdict(evidence())).toEqual({
      property: 'producer-configs',
      status: 'passed',
      detail: '/warehouse/readings (0 partition(s), reliable)',
    });
  });

  it('is skipped when producerConfigs() was never reached', () => {
    expect(producerConfigsVerdict(evidence({ producerConfigs: undefined }))).toMatchObject({
      status: 'skipped',
      detail: 'producerConfigs() was not reached',
    });
  });

  it('fails what validateProducerConfigs refuses, showing the value', () => {
    const value = [{ topic: TOPIC, partitions: -1, reliableDispatch: true }];
    const result = producerConfigsVerdict(evidence({ producerConfigs: value }));
    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/partitions/);
    expect(result.example).toBe(JSON.stringify(value));
  });

  it('fails a topic name the broker refuses although it has the /namespace/name shape', () => {
    const value = [{ topic: '/warehouse/read.ings', partitions: 0, reliableDispatch: true }];
    expect(
      producerConfigsVerdict(evidence({ producerConfigs: value, expectedTopics: [] })).detail,
    ).toBe(
      'topic "/warehouse/read.ings" is not /namespace/name of letters, digits, "_" and "-" (the broker refuses it)',
    );
  });

  it('fails when an expected topic is not declared', () => {
    expect(
      producerConfigsVerdict(evidence({ expectedTopics: [TOPIC, '/warehouse/alerts'] })),
    ).toMatchObject({
      status: 'failed',
      detail:
        'expected topic(s) /warehouse/alerts not declared by producerConfigs() (declared: /warehouse/readings)',
    });
  });

  it('fails a record handed over for an undeclared topic, naming it', () => {
    const stray = handOver(5, { record: SourceRecord.json('/warehouse/other', { n: 5 }) });
    expect(producerConfigsVerdict(evidence({ handOvers: [handOver(0), stray] }))).toEqual({
      property: 'producer-configs',
      status: 'failed',
      detail:
        'a record was handed over for /warehouse/other, which producerConfigs() does not declare',
      example: 'record #5 for /warehouse/other, offset readings@5',
    });
  });
});
