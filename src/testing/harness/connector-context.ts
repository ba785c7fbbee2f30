import {
  createConnectorContext,
  type ConnectorContext,
  type ConnectorInstance,
} from '../../connector/context.js';
import type { Offset } from '../../connector/offset.js';

/** Options of {@link testConnectorContext}. */
export interface TestConnectorContextOptions {
  /** Offsets committed before (one per partition). */
  offsets?: Iterable<Offset>;
  /** This instance's share of the source (default index 0 of 1). */
  instance?: ConnectorInstance;
}

/**
 * The `context` the runtime passes to `initialize`, for tests that call it themselves (a
 * streaming connector driven with an `InMemorySender`); `PollHarness` builds its own from
 * its `offsets` and `instance` options.
 *
 * @example
 * ```ts
 * await connector.initialize(testCoreConfig(), testConnectorContext({
 *   offsets: [Offset.of('orders', 41n)],
 *   instance: { index: 1, count: 3 },
 * }));
 * ```
 */
export function testConnectorContext(options: TestConnectorContextOptions = {}): ConnectorContext {
  return createConnectorContext(options.offsets, options.instance);
}
