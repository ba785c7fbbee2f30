import type { PropertyResult } from '../errors.js';
import type { Evidence } from '../evidence.js';

/**
 * **offsets-after-publish**: each `commit` covers only published records, contiguous in
 * hand-over order, never backwards (each commit was checked against the broker when it was
 * made; the problems are in the evidence).
 */
export function offsetsAfterPublishVerdict(evidence: Evidence): PropertyResult {
  const bad = evidence.commits.find((c) => c.problems.length > 0);
  if (bad !== undefined) {
    return {
      property: 'offsets-after-publish',
      status: 'failed',
      detail: `round ${bad.round}: ${bad.problems[0] ?? ''}`,
      example: `commit([${bad.offsets.map(String).join(', ')}])`,
    };
  }
  if (!evidence.rounds.some((r) => r.hasCommit)) {
    return {
      property: 'offsets-after-publish',
      status: 'skipped',
      detail: 'the connector has no commit()',
    };
  }
  if (!evidence.handOvers.some((h) => h.offset !== undefined)) {
    return {
      property: 'offsets-after-publish',
      status: 'skipped',
      detail: 'no record carried an offset',
    };
  }
  return {
    property: 'offsets-after-publish',
    status: 'passed',
    detail: `${evidence.commits.length} commit(s), each covering only published records, contiguous in hand-over order`,
  };
}
