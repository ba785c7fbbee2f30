import { describe, expect, it } from 'vitest';
import { CONFORMANCE_PROPERTIES } from '../../../src/testing/conformance/errors.js';
import { conformanceReport } from '../../../src/testing/conformance/report.js';
import { calls, evidence, round } from './synthetic-evidence.js';

describe('conformanceReport', () => {
  it('has one result per property in report order, and one entry per round', () => {
    const report = conformanceReport(evidence(), [], 12);
    expect(report.properties.map((p) => p.property)).toEqual([...CONFORMANCE_PROPERTIES]);
    expect(report).toMatchObject({
      connector: 'TableSource',
      mode: 'polling',
      topics: ['/warehouse/readings'],
      durationMs: 12,
      rounds: [
        {
          round: 1,
          emitted: 2,
          handedOver: 2,
          stored: 2,
          commits: 1,
          lastCommitted: { readings: '1' },
          outcome: 'resolved',
        },
        { round: 2, handedOver: 2, stored: 2, lastCommitted: { readings: '3' } },
      ],
    });
    expect(report.properties.filter((p) => p.status === 'failed')).toEqual([]);
  });

  it('fails the property a round stopped early for, and the first such round wins', () => {
    const report = conformanceReport(
      evidence({
        rounds: [
          round({ failure: { property: 'shutdown-drains', detail: 'first', example: 'e.g.' } }),
          round({ round: 2, failure: { property: 'shutdown-drains', detail: 'second' } }),
        ],
      }),
      [],
      0,
    );
    expect(report.properties.find((p) => p.property === 'shutdown-drains')).toEqual({
      property: 'shutdown-drains',
      status: 'failed',
      detail: 'round 1: first',
      example: 'e.g.',
    });
  });

  it('blames records missing after the restart on restart-resumes', () => {
    const report = conformanceReport(
      evidence({
        rounds: [
          round(),
          round({ round: 2, failure: { property: 'records-arrive', detail: 'late' } }),
        ],
      }),
      [],
      0,
    );
    const byProperty = new Map(report.properties.map((p) => [p.property, p]));
    expect(byProperty.get('restart-resumes')).toMatchObject({
      status: 'failed',
      detail: 'round 2: late',
    });
    expect(byProperty.get('records-arrive')?.status).toBe('passed');
  });

  it('reports the properties over published records as not reached when intake never started', () => {
    const report = conformanceReport(
      evidence({
        rounds: [
          round({
            outcome: { status: 'rejected', error: new Error('refused') },
            failure: {
              property: 'lifecycle-order',
              detail: 'run() ended before poll/startStreaming',
            },
          }),
        ],
        calls: calls(1, 'initialize', 'producerConfigs'),
        handOvers: [],
        commits: [],
      }),
      [],
      0,
    );
    expect(report.properties.map((p) => [p.property, p.status, p.detail])).toEqual([
      ['lifecycle-order', 'failed', 'round 1: run() ended before poll/startStreaming'],
      ['producer-configs', 'passed', '/warehouse/readings (0 partition(s), reliable)'],
      ['records-arrive', 'skipped', 'not reached: the connector did not start'],
      ['offsets-after-publish', 'skipped', 'not reached: the connector did not start'],
      ['shutdown-drains', 'skipped', 'not reached: the connector did not start'],
      ['restart-resumes', 'skipped', 'not reached: the connector did not start'],
      ['health-checks', 'skipped', 'the connector has no healthCheck()'],
    ]);
  });

  it('reports a property skipped by request with what it would have been', () => {
    const report = conformanceReport(evidence({ rounds: [round()] }), ['restart-resumes'], 0);
    expect(report.properties.find((p) => p.property === 'restart-resumes')).toEqual({
      property: 'restart-resumes',
      status: 'skipped',
      detail: 'skipped by request (skipped: not reached)',
    });
  });
});
