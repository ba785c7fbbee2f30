import type { PropertyResult } from '../errors.js';
import {
  describeHandOver,
  droppedByPolicy,
  expectedIn,
  isStoredIn,
  startedIn,
  type Evidence,
} from '../evidence.js';

/**
 * **shutdown-drains**: after a graceful stop `run()` settled, everything handed over is
 * published and its offset committed, and `shutdown()` was called once, last.
 */
export function shutdownDrainsVerdict(evidence: Evidence): PropertyResult {
  const isStored = isStoredIn.bind(undefined, evidence.storedTopics);
  for (const round of evidence.rounds) {
    if (round.outcome === undefined) {
      return {
        property: 'shutdown-drains',
        status: 'failed',
        detail: `round ${round.round}: run() did not settle after the stop signal`,
      };
    }
    const handed = expectedIn(evidence.handOvers, round.round);
    const unpublished = handed.find((h) => !isStored(h) && !droppedByPolicy(h));
    if (unpublished !== undefined && round.outcome.status === 'resolved') {
      return {
        property: 'shutdown-drains',
        status: 'failed',
        detail: `round ${round.round}: run() resolved with ${handed.filter((h) => !isStored(h)).length} handed-over record(s) not published`,
        example: describeHandOver(unpublished),
      };
    }
    if (round.hasCommit && round.outcome.status === 'resolved') {
      const uncommitted = handed.find((h) => h.offset !== undefined && !h.committed);
      if (uncommitted !== undefined) {
        return {
          property: 'shutdown-drains',
          status: 'failed',
          detail: `round ${round.round}: after a graceful stop, offsets of published records were not committed`,
          example: describeHandOver(uncommitted),
        };
      }
    }
    const shutdowns = startedIn(evidence.calls, round.round, 'shutdown').length;
    if (round.hasShutdown && shutdowns !== 1) {
      return {
        property: 'shutdown-drains',
        status: 'failed',
        detail: `round ${round.round}: shutdown() called ${shutdowns} times (expected once)`,
      };
    }
  }
  return {
    property: 'shutdown-drains',
    status: 'passed',
    detail:
      'after the stop signal every handed-over record was published and committed, then shutdown() ran once',
  };
}
