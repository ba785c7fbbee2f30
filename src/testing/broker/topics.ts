import { status } from '@grpc/grpc-js';
import type { DispatchStrategyName } from '../../client/wire.js';
import type { Subscription } from './subscriptions.js';
import { statusError, type BrokerStatusError } from './status.js';
import { parsePartitionTopic } from '../../client/routing.js';
import { namespaceOf } from './topic-names.js';
import type { StoredMessage } from './types.js';

/** Topic validation policy (wire strings). */
export type ValidationPolicy = 'none' | 'warn' | 'enforce';

/** Everything the broker keeps about one topic. */
export interface TopicState {
  readonly name: string;
  readonly dispatch: DispatchStrategyName;
  /** Schema subject assigned by the first producer with a schema, or by an admin. */
  schemaSubject: string | undefined;
  /** Default `warn`, as a fresh topic on the real broker. */
  validationPolicy: ValidationPolicy;
  payloadValidation: boolean;
  /** Stored messages; a message's offset is its index. */
  readonly messages: StoredMessage[];
  readonly subscriptions: Map<string, Subscription>;
}

/** Namespaces and topics (with their messages) of the broker. */
export class TopicStore {
  private readonly namespaces: Set<string>;
  private readonly topics = new Map<string, TopicState>();

  constructor(namespaces: Iterable<string>) {
    this.namespaces = new Set(namespaces);
  }

  /** Creates a namespace (no-op when it exists). */
  createNamespace(name: string): void {
    this.namespaces.add(name);
  }

  /** Whether the namespace exists. */
  hasNamespace(name: string): boolean {
    return this.namespaces.has(name);
  }

  /** A topic, or undefined. */
  get(name: string): TopicState | undefined {
    return this.topics.get(name);
  }

  /** All topic names, in creation order. */
  names(): string[] {
    return [...this.topics.keys()];
  }

  /** All topics. */
  all(): TopicState[] {
    return [...this.topics.values()];
  }

  /**
   * Why `name` (valid, not existing yet) cannot be created, with the real broker's status:
   * missing namespace → UNAVAILABLE, `T` vs `T-part-*` → ALREADY_EXISTS.
   */
  creationProblem(name: string): BrokerStatusError | undefined {
    const namespace = namespaceOf(name);
    if (!this.namespaces.has(namespace)) {
      return statusError(
        status.UNAVAILABLE,
        `Unable to find the namespace ${namespace}, the topic can be created only for an exisiting namespace`,
      );
    }
    const base = parsePartitionTopic(name)?.topic;
    if (base !== undefined) {
      if (this.topics.has(base)) {
        return statusError(
          status.ALREADY_EXISTS,
          `Cannot create partitioned topic '${name}': a non-partitioned topic '${base}' already exists. Delete the non-partitioned topic first.`,
        );
      }
    } else {
      const partitions = this.partitionsOf(name);
      if (partitions.length > 0) {
        return statusError(
          status.ALREADY_EXISTS,
          `Cannot create topic '${name}': partitioned topics with this base name already exist (found ${partitions.length} partitions). Delete the partitioned topics first.`,
        );
      }
    }
    return undefined;
  }

  /** Creates a topic (call {@link creationProblem} first). */
  create(name: string, dispatch: DispatchStrategyName): TopicState {
    const topic: TopicState = {
      name,
      dispatch,
      schemaSubject: undefined,
      validationPolicy: 'warn',
      payloadValidation: false,
      messages: [],
      subscriptions: new Map(),
    };
    this.topics.set(name, topic);
    return topic;
  }

  /** The partition topics `name-part-*` that exist, by index. */
  partitionsOf(name: string): string[] {
    return [...this.topics.keys()]
      .flatMap((t) => {
        const partition = parsePartitionTopic(t);
        return partition?.topic === name ? [{ t, index: partition.index }] : [];
      })
      .sort((a, b) => a.index - b.index)
      .map(({ t }) => t);
  }

  /** Appends a message, assigning the next offset. */
  append(topic: TopicState, message: Omit<StoredMessage, 'offset' | 'topic'>): StoredMessage {
    const stored: StoredMessage = {
      ...message,
      topic: topic.name,
      offset: BigInt(topic.messages.length),
    };
    topic.messages.push(stored);
    return stored;
  }

  /** Forgets every topic (namespaces stay). */
  clear(): void {
    for (const topic of this.topics.values()) {
      for (const subscription of topic.subscriptions.values()) subscription.dispose();
    }
    this.topics.clear();
  }
}
