import type { Offset } from './offset.js';
import { DanubeConnectError } from '../errors.js';

/** This instance's share of the source, from `[offsets]` or the environment. */
export interface ConnectorInstance {
  /** 0-based index (`offsets.instance_index`, `CONNECTOR_INSTANCE_INDEX`). */
  readonly index: number;
  /** How many instances split the source (`offsets.instance_count`, `CONNECTOR_INSTANCE_COUNT`). */
  readonly count: number;
}

/**
 * What the runtime gives `initialize` besides the configuration: the offsets it committed
 * before (kept in the `[offsets]` store; none with `store = "none"`) and this instance's
 * share of the source.
 *
 * @example
 * ```ts
 * override async initialize(core: ConnectorConfig, context: ConnectorContext) {
 *   const committed = context.offset('orders');
 *   this.after = committed === undefined ? 0n : BigInt(committed.value);
 * }
 * ```
 */
export interface ConnectorContext {
  /**
   * The last committed offset of `partition` (value and type as handed over), or
   * `undefined` when none was committed yet: resume after it.
   */
  offset(partition: string): Offset | undefined;
  /** Every committed offset, by partition. */
  readonly offsets: ReadonlyMap<string, Offset>;
  /** This instance's index and the number of instances. */
  readonly instance: ConnectorInstance;
}

/**
 * A {@link ConnectorContext} over `offsets` (one per partition; a later one for the same
 * partition wins) for instance `index` of `count`.
 */
export function createConnectorContext(
  offsets: Iterable<Offset> = [],
  instance: ConnectorInstance = { index: 0, count: 1 },
): ConnectorContext {
  const { index, count } = instance;
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    !Number.isInteger(index) ||
    index < 0 ||
    index >= count
  )
    throw new DanubeConnectError(
      'usage',
      `instance index ${index} of ${count}: expected 0 ≤ index < count`,
    );
  const byPartition = new Map<string, Offset>();
  for (const offset of offsets) byPartition.set(offset.partition, offset);
  const frozenInstance = Object.freeze({ index, count });
  return Object.freeze({
    offset: (partition: string) => byPartition.get(partition),
    offsets: byPartition,
    instance: frozenInstance,
  });
}
