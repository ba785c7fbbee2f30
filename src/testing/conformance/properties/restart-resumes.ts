import type { PropertyResult } from '../errors.js';
import {
  describeHandOver,
  droppedByPolicy,
  expectedIn,
  explainMissing,
  isStoredIn,
  type Evidence,
} from '../evidence.js';

/**
 * **restart-resumes**: a fresh instance with the same config delivers the next records and
 * does not re-read records already committed.
 */
export function restartResumesVerdict(evidence: Evidence): PropertyResult {
  const second = evidence.rounds[1];
  if (second === undefined)
    return { property: 'restart-resumes', status: 'skipped', detail: 'not reached' };
  const isStored = isStoredIn.bind(undefined, evidence.storedTopics);
  const committedBefore = new Set(
    evidence.handOvers.filter((h) => h.round === 1 && h.committed).map((h) => h.fingerprint),
  );
  const handed = expectedIn(evidence.handOvers, 2);
  const again = handed.find((h) => committedBefore.has(h.fingerprint));
  if (again !== undefined) {
    return {
      property: 'restart-resumes',
      status: 'failed',
      detail: `after the restart the connector handed over a record already committed before it (it did not resume from its committed offset)`,
      example: describeHandOver(again),
    };
  }
  const missing = handed.find((h) => !isStored(h) && !droppedByPolicy(h));
  if (missing !== undefined || handed.length < second.emitted) {
    return {
      property: 'restart-resumes',
      status: 'failed',
      detail: `after the restart ${handed.filter((h) => isStored(h)).length} of ${second.emitted} new record(s) arrived`,
      ...(missing === undefined ? {} : { example: explainMissing(evidence.stored, missing) }),
    };
  }
  return {
    property: 'restart-resumes',
    status: 'passed',
    detail: `a fresh instance delivered ${handed.length} record(s)${evidence.emitWhileStopped ? ' emitted while it was stopped' : ''} and re-read none already committed`,
  };
}
