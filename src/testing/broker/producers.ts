import type { DispatchStrategyName } from '../../client/wire.js';
import type { ProducerInfo } from './types.js';

/** A producer the broker knows, keyed by its id. */
export interface ProducerState {
  readonly id: string;
  readonly name: string;
  readonly topic: string;
  readonly dispatch: DispatchStrategyName;
}

/** The producers attached to the broker's topics. */
export class ProducerTable {
  private readonly byId = new Map<string, ProducerState>();

  /** Whether an id is in use. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The producer with this id, or undefined. */
  get(id: string): ProducerState | undefined {
    return this.byId.get(id);
  }

  /** The producer of this name on `topic` (CreateProducer is idempotent by name). */
  find(topic: string, name: string): ProducerState | undefined {
    for (const producer of this.byId.values()) {
      if (producer.topic === topic && producer.name === name) return producer;
    }
    return undefined;
  }

  /** Adds a producer. */
  add(producer: ProducerState): void {
    this.byId.set(producer.id, producer);
  }

  /** Forgets producers matching a name or an id; returns how many. */
  drop(nameOrId: string): number {
    let dropped = 0;
    for (const [id, producer] of [...this.byId]) {
      if (id === nameOrId || producer.name === nameOrId) {
        this.byId.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Inspection snapshot. */
  list(): ProducerInfo[] {
    return [...this.byId.values()].map(({ id, name, topic, dispatch }) => ({
      id,
      name,
      topic,
      dispatch,
    }));
  }

  /** Forgets every producer. */
  clear(): void {
    this.byId.clear();
  }
}
