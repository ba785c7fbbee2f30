import { Offset } from '../../../src/connector/offset.js';
import { SourceRecord } from '../../../src/connector/record.js';
import type {
  CallEvent,
  CommitCall,
  Evidence,
  HandOver,
  LifecycleCall,
  RoundEvidence,
} from '../../../src/testing/conformance/evidence.js';

/** Synthetic evidence for the verdicts: what the driver would have recorded. */

export const TOPIC = '/warehouse/readings';

/** A round that ran cleanly: polled, emitted `emitted` records, resolved. */
export function round(overrides: Partial<RoundEvidence> = {}): RoundEvidence {
  return {
    round: 1,
    emitted: 2,
    outcome: { status: 'resolved' },
    failure: undefined,
    mode: 'polling',
    hasCommit: true,
    hasShutdown: true,
    hasHealthCheck: false,
    health: undefined,
    policyDropped: 0,
    lastError: undefined,
    ...overrides,
  };
}

/** Start and end events of each call in turn, in `round`. */
export function calls(round: number, ...names: LifecycleCall[]): CallEvent[] {
  let id = round * 100;
  return names.flatMap((call): CallEvent[] => {
    id += 1;
    return [
      { round, call, phase: 'start', id },
      { round, call, phase: 'end', id },
    ];
  });
}

/** A record handed over by `poll` with offset `readings@<n>`, accepted and committed. */
export function handOver(n: number, overrides: Partial<HandOver> = {}): HandOver {
  return {
    index: n,
    round: 1,
    record: SourceRecord.json(TOPIC, { n }).withKey(`device-${n}`),
    offset: Offset.of('readings', n),
    fingerprint: `fp-${n}`,
    ordinal: 1,
    via: 'poll',
    accepted: true,
    committed: true,
    ...overrides,
  };
}

/** A commit of `offsets` (partition `readings`), with the problems seen when it was made. */
export function commit(round: number, values: number[], problems: string[] = []): CommitCall {
  return { round, offsets: values.map((v) => Offset.of('readings', v)), problems };
}

/**
 * Two clean polling rounds of two records each on a 0-partition topic, all stored and
 * committed; override what a case is about.
 */
export function evidence(overrides: Partial<Evidence> = {}): Evidence {
  const handOvers = overrides.handOvers ?? [
    handOver(0),
    handOver(1),
    handOver(2, { round: 2 }),
    handOver(3, { round: 2 }),
  ];
  return {
    connector: 'TableSource',
    rounds: [round(), round({ round: 2 })],
    calls: [
      ...calls(1, 'initialize', 'producerConfigs', 'poll', 'commit', 'shutdown'),
      ...calls(2, 'initialize', 'producerConfigs', 'poll', 'commit', 'shutdown'),
    ],
    handOvers,
    commits: [commit(1, [1]), commit(2, [3])],
    producerConfigs: [{ topic: TOPIC, partitions: 0, reliableDispatch: true }],
    stored: [],
    storedTopics: storedAll(handOvers),
    expectedTopics: [TOPIC],
    failurePolicy: 'fail',
    emitWhileStopped: false,
    ...overrides,
  };
}

/** The broker's view when it stored every one of `handOvers` on its (base) topic. */
export function storedAll(handOvers: readonly HandOver[]): Map<string, string[]> {
  const topics = new Map<string, string[]>();
  for (const h of handOvers) topics.set(h.fingerprint, [h.record.topic]);
  return topics;
}
