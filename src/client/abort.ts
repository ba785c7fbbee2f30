import { DanubeConnectError, isDanubeConnectError } from '../errors.js';
import { DanubeError } from './errors.js';

/** One signal aborted when any of the given ones is (undefined entries are skipped). */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 1) return present[0] as AbortSignal;
  return AbortSignal.any(present);
}

/**
 * The error an aborted operation rejects with: the signal's reason when it is one of ours
 * (the client closing, the runtime's deadline), else kind `aborted`.
 */
export function abortError(signal: AbortSignal): DanubeConnectError {
  const reason: unknown = signal.reason;
  if (isDanubeConnectError(reason)) return reason;
  const detail = reason instanceof Error ? `: ${reason.message}` : '';
  return new DanubeError(`operation aborted${detail}`, { kind: 'aborted', cause: reason });
}

/**
 * Waits for `promise`, or rejects as soon as `signal` aborts (the promise keeps running;
 * its outcome is then ignored).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(
          error instanceof Error
            ? error
            : new DanubeError(String(error), { kind: 'internal', cause: error }),
        );
      },
    );
  });
}
