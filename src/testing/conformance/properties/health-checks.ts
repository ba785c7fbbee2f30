import type { PropertyResult } from '../errors.js';
import type { Evidence } from '../evidence.js';

/**
 * **health-checks**: the runtime calls `healthCheck()` periodically and, when the options
 * have `health` hooks, marks the connector unhealthy after
 * `health_check_failure_threshold` failures and healthy again after a pass.
 */
export function healthChecksVerdict(evidence: Evidence): PropertyResult {
  const first = evidence.rounds[0];
  const health = first?.health;
  if (health === undefined) {
    return {
      property: 'health-checks',
      status: 'skipped',
      detail:
        first?.hasHealthCheck === false ? 'the connector has no healthCheck()' : 'not reached',
    };
  }
  const example = health.lastCalls === undefined ? {} : { example: health.lastCalls };
  if (!health.called) {
    return {
      property: 'health-checks',
      status: 'failed',
      detail: `healthCheck() was not called within ${health.waitMs} ms (health_check_interval_ms forced to ${health.intervalMs})`,
    };
  }
  if (!health.hooks) {
    return {
      property: 'health-checks',
      status: 'passed',
      detail:
        'healthCheck() called periodically (pass `health` hooks to also check unhealthy → healthy)',
    };
  }
  if (health.wentUnhealthy !== true) {
    return {
      property: 'health-checks',
      status: 'failed',
      detail: `after makeUnhealthy() the runtime still reported the connector healthy after ${health.checks} more check(s) (threshold ${health.threshold})`,
      ...example,
    };
  }
  if (health.cameBack !== true) {
    return {
      property: 'health-checks',
      status: 'failed',
      detail: `after makeHealthy() the runtime did not report the connector healthy again after ${health.checks} more check(s)`,
      ...example,
    };
  }
  return {
    property: 'health-checks',
    status: 'passed',
    detail: `healthCheck() called periodically; unhealthy after ${health.threshold} failure(s), healthy again after a pass`,
  };
}
