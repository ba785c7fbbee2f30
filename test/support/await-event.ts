/**
 * Outer bound of one awaited event. Generous on purpose: it never decides a result, it only
 * turns "this is not coming" into a failure that says what was awaited, before the test's
 * own timeout ends it without saying.
 */
export const EVENT_BOUND_MS = 60_000;

/**
 * Resolves as `event` does, or rejects after `boundMs` with a message naming `what` (e.g.
 * `'a stdout line matching /listening/'`; a function is called then, to add what is known
 * by that time).
 *
 * @example
 * ```ts
 * await awaitEvent(child.next('started'), 'the crash connector\'s "started" message');
 * ```
 */
export async function awaitEvent<T>(
  event: Promise<T>,
  what: string | (() => string),
  boundMs = EVENT_BOUND_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const described = typeof what === 'string' ? what : what();
      reject(new Error(`still waiting for ${described} after ${boundMs / 1000} s`));
    }, boundMs);
  });
  try {
    return await Promise.race([event, bound]);
  } finally {
    clearTimeout(timer);
  }
}
