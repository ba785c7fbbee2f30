import type { EventEmitter } from 'node:events';
import { FaultPlan } from './faults.js';
import { randomU64, uniqueIds, type IdGenerator } from './ids.js';
import { ProducerTable } from './producers.js';
import { SchemaRegistryStore } from './registry.js';
import { DEFAULT_MAX_UNACKED, type ConsumerState } from './subscriptions.js';
import { TopicStore } from './topics.js';
import type { BrokerEvents, BrokerMethod, BrokerOptions, BrokerStats } from './types.js';
import { DanubeConnectError } from '../../errors.js';

/** Tonic's default decoding limit, which the real broker keeps. */
export const DEFAULT_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

/** The window of {@link BrokerOptions.maxUnackedMessages}, within the real broker's bounds. */
function unackedWindow(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_UNACKED;
  if (!Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new DanubeConnectError(
      'usage',
      `maxUnackedMessages must be an integer from 1 to 10000, got ${value}`,
    );
  }
  return value;
}

/** Mutable counters behind {@link BrokerStats}. */
export interface StatsCounters {
  calls: Partial<Record<BrokerMethod, number>>;
  peakConcurrentSends: number;
  concurrentSends: number;
  storedMessages: number;
  storedThenFailed: number;
  validationWarnings: number;
  injectedFailures: number;
  connections: number;
}

/**
 * The broker's state and settings, shared by the gRPC service handlers. It outlives the
 * gRPC server: going down and coming back up keeps it; a restart forgets producers and
 * consumers (and topics unless data is kept).
 */
export class BrokerCore {
  readonly topics: TopicStore;
  readonly producers = new ProducerTable();
  readonly consumers = new Map<string, ConsumerState>();
  readonly registry: SchemaRegistryStore;
  readonly faults: FaultPlan;
  readonly newId: () => string;
  readonly maxMessageBytes: number | undefined;
  readonly maxReceiveBytes: number;
  readonly maxUnackedMessages: number;
  readonly requireToken: BrokerOptions['requireToken'];
  readonly stats: StatsCounters = {
    calls: {},
    peakConcurrentSends: 0,
    concurrentSends: 0,
    storedMessages: 0,
    storedThenFailed: 0,
    validationWarnings: 0,
    injectedFailures: 0,
    connections: 0,
  };
  /** This broker's URL (`http://host:port`), set once bound. */
  url = '';

  constructor(
    options: BrokerOptions,
    readonly events: EventEmitter<BrokerEvents>,
  ) {
    this.topics = new TopicStore(options.namespaces ?? ['default']);
    const generate: IdGenerator = options.idGenerator ?? randomU64;
    this.newId = uniqueIds(
      generate,
      (id) => this.producers.has(id) || this.consumers.has(id) || this.registry.hasSchemaId(id),
    );
    this.registry = new SchemaRegistryStore(() => this.newId());
    this.faults = new FaultPlan((nameOrId) => this.producers.drop(nameOrId));
    this.maxMessageBytes = options.maxMessageBytes;
    this.maxReceiveBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES;
    this.maxUnackedMessages = unackedWindow(options.maxUnackedMessages);
    this.requireToken = options.requireToken;
  }

  /** Forgets every producer and consumer, as a broker process restart does. */
  forgetClients(): void {
    this.producers.clear();
    for (const consumer of this.consumers.values()) {
      const session = consumer.session;
      consumer.subscription.remove(consumer);
      session?.end();
    }
    this.consumers.clear();
  }

  /** Zeroes the counters (sends in progress stay counted as in progress). */
  resetStats(): void {
    Object.assign(this.stats, {
      calls: {},
      peakConcurrentSends: this.stats.concurrentSends,
      storedMessages: 0,
      storedThenFailed: 0,
      validationWarnings: 0,
      injectedFailures: 0,
      connections: 0,
    });
  }

  /** Snapshot of the counters. */
  snapshotStats(): BrokerStats {
    return { ...this.stats, calls: { ...this.stats.calls } };
  }
}
