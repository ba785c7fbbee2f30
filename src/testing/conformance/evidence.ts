import type { Offset } from '../../connector/offset.js';
import type { ProducerConfig } from '../../connector/producer-config.js';
import type { SourceRecord } from '../../connector/record.js';
import type { DeliveryResult } from '../../connector/sender.js';
import { encodeWithoutSchema } from '../../schema/without-schema.js';
import type { StoredMessage } from '../broker/types.js';
import type { ConformanceProperty } from './errors.js';
import { baseTopic } from './fingerprint.js';
import { errorMessage } from '../../errors.js';

/** A connector method the kit watches. */
export type LifecycleCall =
  | 'initialize'
  | 'producerConfigs'
  | 'poll'
  | 'startStreaming'
  | 'commit'
  | 'shutdown'
  | 'healthCheck';

/** One method call starting or ending. */
export interface CallEvent {
  round: number;
  call: LifecycleCall;
  phase: 'start' | 'end';
  /** Id pairing a start with its end. */
  id: number;
  error?: string;
}

/** One record the connector handed over (poll result or `send`). */
export interface HandOver {
  index: number;
  round: number;
  record: SourceRecord;
  offset: Offset | undefined;
  fingerprint: string;
  /** How many handed-over records with this fingerprint came before, plus one. */
  ordinal: number;
  via: 'poll' | 'send';
  /** `false` when `send` refused it (runtime stopping): not expected at the broker. */
  accepted: boolean | undefined;
  /** How its receipt settled (streaming only). */
  result?: DeliveryResult | Error;
  /** Covered by a commit. */
  committed: boolean;
}

/** One `commit` call and what was wrong with it when it was made. */
export interface CommitCall {
  round: number;
  offsets: Offset[];
  problems: string[];
}

/** How one round's `run()` settled. */
export type RunOutcome = { status: 'resolved' } | { status: 'rejected'; error: Error };

/** Why the driver stopped a round early, and the property that breaks. */
export interface RoundFailure {
  property: ConformanceProperty;
  detail: string;
  example?: string;
}

/**
 * What the driver saw while it turned the connector's health bad and good (first round
 * only). The later fields are absent when an earlier step already failed.
 */
export interface HealthEvidence {
  /** `processing.health_check_failure_threshold`. */
  threshold: number;
  /** The forced `health_check_interval_ms`. */
  intervalMs: number;
  /** Outer bound of each wait, reached only when the checks stop. */
  waitMs: number;
  /** Completed checks each step awaited (threshold + 2). */
  checks: number;
  /** `healthCheck()` was called within `waitMs`. */
  called: boolean;
  /** The options had `health` hooks. */
  hooks: boolean;
  /** After `makeUnhealthy()` the runtime reported the connector unhealthy. */
  wentUnhealthy?: boolean;
  /** After `makeHealthy()` the runtime reported it healthy again. */
  cameBack?: boolean;
  /** The last health-check outcomes when a step failed, for the example. */
  lastCalls?: string;
}

/** What the driver recorded of one run of the connector. */
export interface RoundEvidence {
  /** 1 for the first run, 2 after the restart. */
  round: number;
  /** Records asked from the external system for this round. */
  emitted: number;
  /** Undefined when `run()` did not settle after the stop signal. */
  outcome: RunOutcome | undefined;
  failure: RoundFailure | undefined;
  mode: 'polling' | 'streaming' | 'unknown';
  hasCommit: boolean;
  hasShutdown: boolean;
  hasHealthCheck: boolean;
  health: HealthEvidence | undefined;
  /** Records the failure policy skipped or dead-lettered (runtime counters). */
  policyDropped: number;
  /** The runtime's last recorded error, for examples. */
  lastError: string | undefined;
}

/**
 * Everything a conformance check recorded, over all rounds: the input of the verdicts,
 * which are pure functions of it.
 */
export interface Evidence {
  /** The connector's class name. */
  connector: string;
  rounds: readonly RoundEvidence[];
  /** Every lifecycle call starting and ending, in order. */
  calls: readonly CallEvent[];
  /** Every record handed over, in order. */
  handOvers: readonly HandOver[];
  commits: readonly CommitCall[];
  /** What `producerConfigs()` returned in the first round. */
  producerConfigs: unknown;
  /** Every message the broker stored, in order. */
  stored: readonly StoredMessage[];
  /** Per fingerprint, the topic (with partition) of each stored copy. */
  storedTopics: ReadonlyMap<string, readonly string[]>;
  /** `expectedTopics` of the options. */
  expectedTopics: readonly string[];
  /** `processing.failure_policy` of the configuration. */
  failurePolicy: string;
  /** The second round's records were emitted while the connector was stopped. */
  emitWhileStopped: boolean;
}

/** Whether the broker holds this handed-over record (with its key and attributes). */
export function isStoredIn(
  storedTopics: ReadonlyMap<string, readonly string[]>,
  entry: HandOver,
): boolean {
  return (storedTopics.get(entry.fingerprint)?.length ?? 0) >= entry.ordinal;
}

/** Handed-over records of `round` the runtime accepted (or may still accept). */
export function expectedIn(handOvers: readonly HandOver[], round: number): HandOver[] {
  return handOvers.filter((h) => h.round === round && h.accepted !== false);
}

/** The started calls of `round` of one kind. */
export function startedIn(
  calls: readonly CallEvent[],
  round: number,
  call: LifecycleCall,
): CallEvent[] {
  return calls.filter((c) => c.round === round && c.call === call && c.phase === 'start');
}

/** Whether the first round got as far as `poll` / `startStreaming`. */
export function intakeStarted(evidence: Evidence): boolean {
  return (
    startedIn(evidence.calls, 1, 'poll').length +
      startedIn(evidence.calls, 1, 'startStreaming').length >
    0
  );
}

/** The well-formed entries of what `producerConfigs()` returned, by topic. */
export function declaredTopics(evidence: Evidence): Map<string, ProducerConfig> {
  const declared = new Map<string, ProducerConfig>();
  if (!Array.isArray(evidence.producerConfigs)) return declared;
  for (const config of evidence.producerConfigs as ProducerConfig[]) {
    if (config !== null && typeof config === 'object' && typeof config.topic === 'string')
      declared.set(config.topic, config);
  }
  return declared;
}

/** Whether the failure policy settled it without publishing (skip / dead-letter). */
export function droppedByPolicy(entry: HandOver): boolean {
  const result = entry.result;
  return result !== undefined && !(result instanceof Error) && result.status !== 'published';
}

/** A short description of a handed-over record, for examples. */
export function describeHandOver(entry: HandOver): string {
  const { record } = entry;
  const parts = [`record #${entry.index} for ${record.topic}`];
  if (entry.offset !== undefined) parts.push(`offset ${entry.offset.toString()}`);
  if (record.key !== undefined) parts.push(`key ${JSON.stringify(record.key)}`);
  return parts.join(', ');
}

/** Why a handed-over record is not among the stored messages, as precisely as they tell. */
export function explainMissing(stored: readonly StoredMessage[], entry: HandOver): string {
  const { record } = entry;
  let bytes: Buffer | undefined;
  try {
    bytes = encodeWithoutSchema(record.payload, record.topic);
  } catch (error) {
    return `${describeHandOver(entry)}: its payload cannot be serialized (${errorMessage(error)})`;
  }
  const sameTopic = stored.filter((m) => baseTopic(m.topic) === record.topic);
  const samePayload = sameTopic.find((m) => m.payload.equals(bytes));
  if (samePayload === undefined) {
    return `${describeHandOver(entry)} with payload ${preview(bytes)} was not stored (${sameTopic.length} message(s) on ${record.topic})`;
  }
  const differences: string[] = [];
  if (samePayload.key !== record.key) {
    differences.push(
      `key ${JSON.stringify(samePayload.key ?? null)} instead of ${JSON.stringify(record.key ?? null)}`,
    );
  }
  if (
    JSON.stringify(sortKeys(samePayload.attributes)) !== JSON.stringify(sortKeys(record.attributes))
  ) {
    differences.push(
      `attributes ${JSON.stringify(sortKeys(samePayload.attributes))} instead of ${JSON.stringify(sortKeys(record.attributes))}`,
    );
  }
  return `${describeHandOver(entry)} arrived with ${differences.join(' and ') || 'different metadata'}`;
}

function preview(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function sortKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
