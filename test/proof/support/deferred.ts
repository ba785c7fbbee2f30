/** A promise with its resolve/reject exposed, for event-driven waits in tests. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Creates a {@link Deferred}; its promise never becomes an unhandled rejection. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * Resolves when `predicate()` holds, re-checked each time `subscribe`'s callback fires.
 * `subscribe` returns an unsubscribe function.
 */
export function until(
  predicate: () => boolean,
  subscribe: (notify: () => void) => () => void,
): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const unsubscribe = subscribe(() => {
      if (predicate()) {
        unsubscribe();
        resolve();
      }
    });
  });
}
