import { describe, expect, it } from 'vitest';
import type { HealthEvidence } from '../../../src/testing/conformance/evidence.js';
import { healthChecksVerdict } from '../../../src/testing/conformance/properties/health-checks.js';
import { evidence, round } from './synthetic-evidence.js';

function withHealth(health: Partial<HealthEvidence> | undefined, hasHealthCheck = true) {
  return healthChecksVerdict(
    evidence({
      rounds: [
        round({
          hasHealthCheck,
          health:
            health === undefined
              ? undefined
              : {
                  threshold: 2,
                  intervalMs: 50,
                  waitMs: 30_000,
                  checks: 4,
                  called: true,
                  hooks: true,
                  ...health,
                },
        }),
      ],
    }),
  );
}

describe('health-checks verdict', () => {
  it('is skipped for a connector without healthCheck()', () => {
    expect(withHealth(undefined, false)).toEqual({
      property: 'health-checks',
      status: 'skipped',
      detail: 'the connector has no healthCheck()',
    });
  });

  it('is skipped as not reached when the round ended before the probe', () => {
    expect(withHealth(undefined).detail).toBe('not reached');
  });

  it('fails when healthCheck() was never called, naming the interval', () => {
    expect(withHealth({ called: false })).toEqual({
      property: 'health-checks',
      status: 'failed',
      detail:
        'healthCheck() was not called within 30000 ms (health_check_interval_ms forced to 50)',
    });
  });

  it('passes on periodic calls alone without hooks, and says what hooks would add', () => {
    expect(withHealth({ hooks: false })).toMatchObject({
      status: 'passed',
      detail:
        'healthCheck() called periodically (pass `health` hooks to also check unhealthy → healthy)',
    });
  });

  it('fails a connector still reported healthy after makeUnhealthy(), with its last checks', () => {
    expect(withHealth({ wentUnhealthy: false, lastCalls: 'ok, ok, ok, ok' })).toEqual({
      property: 'health-checks',
      status: 'failed',
      detail:
        'after makeUnhealthy() the runtime still reported the connector healthy after 4 more check(s) (threshold 2)',
      example: 'ok, ok, ok, ok',
    });
  });

  it('fails a connector not reported healthy again after makeHealthy()', () => {
    expect(
      withHealth({ wentUnhealthy: true, cameBack: false, lastCalls: 'threw "down", threw "down"' }),
    ).toMatchObject({
      status: 'failed',
      detail:
        'after makeHealthy() the runtime did not report the connector healthy again after 4 more check(s)',
      example: 'threw "down", threw "down"',
    });
  });

  it('passes unhealthy after the threshold and healthy again', () => {
    expect(withHealth({ wentUnhealthy: true, cameBack: true })).toEqual({
      property: 'health-checks',
      status: 'passed',
      detail:
        'healthCheck() called periodically; unhealthy after 2 failure(s), healthy again after a pass',
    });
  });
});
