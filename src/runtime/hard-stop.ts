/**
 * How each runtime stops hard; kept out of the class so it is no public method. Keyed by
 * the runtime object (typed loosely so this module imports nothing of the runtime's).
 */
const hardStops = new WeakMap<object, () => void>();

/** Called by each runtime's constructor. */
export function registerHardStop(runtime: object, stop: () => void): void {
  hardStops.set(runtime, stop);
}

/**
 * Stops a `SourceRuntime` as if its process were killed: no drain, no final commit, no
 * `shutdown()`, the offsets lock not released; records handed over but unpublished stay
 * uncommitted. `run()` resolves once the Danube client is closed. For the conformance kit's
 * crash round and tests.
 */
export function hardStop(runtime: object): void {
  hardStops.get(runtime)?.();
}
