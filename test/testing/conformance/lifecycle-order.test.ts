import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../src/testing/conformance/evidence.js';
import { lifecycleOrderVerdict } from '../../../src/testing/conformance/properties/lifecycle-order.js';
import { calls, evidence, round } from './synthetic-evidence.js';

function oneRound(events: CallEvent[], mode: 'polling' | 'streaming' = 'polling') {
  return lifecycleOrderVerdict(evidence({ rounds: [round({ mode })], calls: events }));
}

describe('lifecycle-order verdict', () => {
  it('passes initialize → producerConfigs → poll → shutdown in every round', () => {
    expect(lifecycleOrderVerdict(evidence())).toEqual({
      property: 'lifecycle-order',
      status: 'passed',
      detail: 'initialize → producerConfigs → poll → shutdown in 2 round(s)',
    });
  });

  it('names startStreaming for a streaming connector', () => {
    expect(
      oneRound(calls(1, 'initialize', 'producerConfigs', 'startStreaming', 'shutdown'), 'streaming')
        .detail,
    ).toBe('initialize → producerConfigs → startStreaming → shutdown in 1 round(s)');
  });

  it('fails a call before initialize, with the trace up to it', () => {
    expect(oneRound(calls(1, 'producerConfigs', 'initialize'))).toEqual({
      property: 'lifecycle-order',
      status: 'failed',
      detail: 'round 1: producerConfigs() was called before initialize()',
      example: 'producerConfigs:start',
    });
  });

  it('fails a second initialize', () => {
    expect(oneRound(calls(1, 'initialize', 'initialize')).detail).toBe(
      'round 1: initialize() was called more than once',
    );
  });

  it('fails producerConfigs before initialize finished', () => {
    const events: CallEvent[] = [
      { round: 1, call: 'initialize', phase: 'start', id: 1 },
      { round: 1, call: 'producerConfigs', phase: 'start', id: 2 },
    ];
    expect(oneRound(events)).toMatchObject({
      detail: 'round 1: producerConfigs() was called before initialize() finished',
      example: 'initialize:start → producerConfigs:start',
    });
  });

  it('fails the intake the mode does not name', () => {
    expect(oneRound(calls(1, 'initialize', 'producerConfigs', 'poll'), 'streaming').detail).toBe(
      "round 1: poll() was called although mode() is 'streaming'",
    );
  });

  it('fails poll before producerConfigs finished', () => {
    expect(oneRound(calls(1, 'initialize', 'poll')).detail).toBe(
      'round 1: poll() was called before producerConfigs() finished',
    );
  });

  it('fails overlapping polls', () => {
    const events: CallEvent[] = [
      ...calls(1, 'initialize', 'producerConfigs'),
      { round: 1, call: 'poll', phase: 'start', id: 7 },
      { round: 1, call: 'poll', phase: 'start', id: 8 },
    ];
    expect(oneRound(events).detail).toBe(
      'round 1: poll() was called while the previous call had not finished',
    );
  });

  it('fails a commit before the first poll and overlapping commits', () => {
    expect(oneRound(calls(1, 'initialize', 'producerConfigs', 'commit')).detail).toBe(
      'round 1: commit() was called before poll()',
    );
    const overlapping: CallEvent[] = [
      ...calls(1, 'initialize', 'producerConfigs', 'poll'),
      { round: 1, call: 'commit', phase: 'start', id: 7 },
      { round: 1, call: 'commit', phase: 'start', id: 8 },
    ];
    expect(oneRound(overlapping).detail).toBe(
      'round 1: commit() was called while the previous commit had not finished',
    );
  });

  it('fails health checks before initialize finished or overlapping', () => {
    const early: CallEvent[] = [
      { round: 1, call: 'initialize', phase: 'start', id: 1 },
      { round: 1, call: 'healthCheck', phase: 'start', id: 2 },
    ];
    expect(oneRound(early).detail).toBe(
      'round 1: healthCheck() was called before initialize() finished',
    );
    const overlapping: CallEvent[] = [
      ...calls(1, 'initialize'),
      { round: 1, call: 'healthCheck', phase: 'start', id: 7 },
      { round: 1, call: 'healthCheck', phase: 'start', id: 8 },
    ];
    expect(oneRound(overlapping).detail).toBe(
      'round 1: healthCheck() was called while the previous check had not finished',
    );
  });

  it('fails any call after shutdown', () => {
    expect(
      oneRound(calls(1, 'initialize', 'producerConfigs', 'poll', 'shutdown', 'poll')).detail,
    ).toBe('round 1: poll() was called after shutdown()');
  });

  it('fails a round in which no method was called', () => {
    expect(oneRound([])).toMatchObject({
      status: 'failed',
      detail: 'round 1: the runtime called no connector method',
      example: '(none)',
    });
  });

  it('reports the problem of the second round', () => {
    const result = lifecycleOrderVerdict(
      evidence({
        calls: [
          ...calls(1, 'initialize', 'producerConfigs', 'poll', 'shutdown'),
          ...calls(2, 'initialize', 'poll'),
        ],
      }),
    );
    expect(result.detail).toBe('round 2: poll() was called before producerConfigs() finished');
  });

  it('fails when run() rejected although the calls were in order', () => {
    const result = lifecycleOrderVerdict(
      evidence({
        rounds: [
          round(),
          round({ round: 2, outcome: { status: 'rejected', error: new Error('boom') } }),
        ],
      }),
    );
    expect(result).toEqual({
      property: 'lifecycle-order',
      status: 'failed',
      detail: 'run() rejected: boom',
    });
  });
});
