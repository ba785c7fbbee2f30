import {
  CONFORMANCE_PROPERTIES,
  type ConformanceProperty,
  type ConformanceReport,
  type PropertyResult,
  type RoundReport,
} from './errors.js';
import {
  declaredTopics,
  expectedIn,
  intakeStarted,
  isStoredIn,
  type Evidence,
  type RoundEvidence,
} from './evidence.js';
import { healthChecksVerdict } from './properties/health-checks.js';
import { lifecycleOrderVerdict } from './properties/lifecycle-order.js';
import { offsetsAfterPublishVerdict } from './properties/offsets-after-publish.js';
import { producerConfigsVerdict } from './properties/producer-configs.js';
import { recordsArriveVerdict } from './properties/records-arrive.js';
import { restartResumesVerdict } from './properties/restart-resumes.js';
import { shutdownDrainsVerdict } from './properties/shutdown-drains.js';

/** One verdict per property, in report order. */
const VERDICTS: Record<
  ConformanceProperty,
  { verdict: (evidence: Evidence) => PropertyResult; needsIntake: boolean }
> = {
  'lifecycle-order': { verdict: lifecycleOrderVerdict, needsIntake: false },
  'producer-configs': { verdict: producerConfigsVerdict, needsIntake: false },
  'records-arrive': { verdict: recordsArriveVerdict, needsIntake: true },
  'offsets-after-publish': { verdict: offsetsAfterPublishVerdict, needsIntake: true },
  'shutdown-drains': { verdict: shutdownDrainsVerdict, needsIntake: true },
  'restart-resumes': { verdict: restartResumesVerdict, needsIntake: true },
  'health-checks': { verdict: healthChecksVerdict, needsIntake: false },
};

/**
 * The report of a conformance check. A round the driver stopped early fails the property it
 * names (the first such round wins); otherwise each property gets its verdict. Properties
 * over published records are "not reached" when the connector never started its intake;
 * those in `skip` are reported skipped with what they would have been.
 */
export function conformanceReport(
  evidence: Evidence,
  skip: readonly ConformanceProperty[],
  durationMs: number,
): ConformanceReport {
  const started = intakeStarted(evidence);
  const properties = CONFORMANCE_PROPERTIES.map((property): PropertyResult => {
    const { verdict, needsIntake } = VERDICTS[property];
    const result =
      stoppedEarly(evidence.rounds, property) ??
      (needsIntake && !started
        ? { property, status: 'skipped', detail: 'not reached: the connector did not start' }
        : verdict(evidence));
    return skip.includes(property)
      ? {
          property,
          status: 'skipped',
          detail: `skipped by request (${result.status}: ${result.detail})`,
        }
      : result;
  });
  return {
    connector: evidence.connector,
    mode: evidence.rounds[0]?.mode ?? 'unknown',
    topics: [...declaredTopics(evidence).keys()],
    rounds: evidence.rounds.map((round) => roundReport(evidence, round)),
    properties,
    durationMs,
  };
}

/** The failure of the first round the driver stopped early on `property`'s account. */
function stoppedEarly(
  rounds: readonly RoundEvidence[],
  property: ConformanceProperty,
): PropertyResult | undefined {
  for (const round of rounds) {
    const failure = round.failure;
    if (failure === undefined) continue;
    // Records missing after the restart are the restart's failure.
    const blamed =
      round.round === 2 && failure.property === 'records-arrive'
        ? 'restart-resumes'
        : failure.property;
    if (blamed !== property) continue;
    return {
      property,
      status: 'failed',
      detail: `round ${round.round}: ${failure.detail}`,
      ...(failure.example === undefined ? {} : { example: failure.example }),
    };
  }
  return undefined;
}

function roundReport(evidence: Evidence, round: RoundEvidence): RoundReport {
  const handed = expectedIn(evidence.handOvers, round.round);
  const commits = evidence.commits.filter((c) => c.round === round.round);
  const lastCommitted: Record<string, string> = {};
  for (const commit of commits) {
    for (const offset of commit.offsets) lastCommitted[offset.partition] = String(offset.value);
  }
  return {
    round: round.round,
    emitted: round.emitted,
    handedOver: handed.length,
    stored: handed.filter((h) => isStoredIn(evidence.storedTopics, h)).length,
    commits: commits.length,
    lastCommitted,
    outcome:
      round.outcome === undefined
        ? 'rejected: did not stop'
        : round.outcome.status === 'resolved'
          ? 'resolved'
          : `rejected: ${round.outcome.error.message}`,
  };
}
