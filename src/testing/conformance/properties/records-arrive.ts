import { partitionForKey, partitionTopicName } from '../../../client/routing.js';
import type { PropertyResult } from '../errors.js';
import {
  declaredTopics,
  describeHandOver,
  droppedByPolicy,
  explainMissing,
  isStoredIn,
  type Evidence,
} from '../evidence.js';

/**
 * **records-arrive**: every record handed over in the first round is stored by the broker
 * with its key (on the partition its key routes to) and attributes, and none was dropped by
 * the failure policy.
 */
export function recordsArriveVerdict(evidence: Evidence): PropertyResult {
  const isStored = isStoredIn.bind(undefined, evidence.storedTopics);
  const handed = evidence.handOvers.filter((h) => h.accepted !== false && h.round === 1);
  const missing = handed.find((h) => !isStored(h) && !droppedByPolicy(h));
  if (missing !== undefined) {
    return {
      property: 'records-arrive',
      status: 'failed',
      detail: `${handed.filter((h) => !isStored(h)).length} of ${handed.length} handed-over record(s) not stored with their key and attributes`,
      example: explainMissing(evidence.stored, missing),
    };
  }
  const droppedRound = evidence.rounds.find((r) => r.policyDropped > 0);
  const droppedEntry = evidence.handOvers.find(droppedByPolicy);
  if (droppedRound !== undefined || droppedEntry !== undefined) {
    const result = droppedEntry?.result;
    const reason =
      result !== undefined && !(result instanceof Error) && result.status !== 'published'
        ? result.error.message
        : droppedRound?.lastError;
    const count = evidence.rounds.reduce((sum, r) => sum + r.policyDropped, 0);
    return {
      property: 'records-arrive',
      status: 'failed',
      detail: `${count} record(s) were not published: processing.failure_policy = "${evidence.failurePolicy}" dropped them`,
      ...(reason === undefined
        ? {}
        : {
            example: `${droppedEntry === undefined ? 'last error' : describeHandOver(droppedEntry)}: ${reason}`,
          }),
    };
  }
  const declared = declaredTopics(evidence);
  for (const entry of handed) {
    const config = declared.get(entry.record.topic);
    if (config === undefined || config.partitions === 0 || entry.record.key === undefined) continue;
    const expected = partitionTopicName(
      entry.record.topic,
      partitionForKey(entry.record.key, config.partitions),
    );
    const topics = evidence.storedTopics.get(entry.fingerprint) ?? [];
    if (!topics.includes(expected)) {
      return {
        property: 'records-arrive',
        status: 'failed',
        detail: `a keyed record did not land on the partition its key routes to (${expected})`,
        example: `${describeHandOver(entry)} stored on ${topics.join(', ')}`,
      };
    }
  }
  const dropped = handed.filter(droppedByPolicy).length;
  const withKey = handed.filter((h) => h.record.key !== undefined).length;
  const withAttributes = handed.filter((h) => Object.keys(h.record.attributes).length > 0).length;
  return {
    property: 'records-arrive',
    status: handed.length === 0 ? 'failed' : 'passed',
    detail:
      handed.length === 0
        ? 'no record was handed over'
        : `${handed.length - dropped} record(s) stored (${withKey} with key, ${withAttributes} with attributes)${dropped > 0 ? `, ${dropped} dropped by the failure policy` : ''}`,
  };
}
