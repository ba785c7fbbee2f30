import type { Logger } from '../observability/logger.js';
import type { RuntimeState } from '../observability/state.js';
import { backoffDelay, type BackoffSettings } from './backoff.js';
import { sleep, type Clock } from './clock.js';
import { DanubeConnectError, errorMessage } from '../errors.js';
import { isRetryableConnectorFailure } from './errors.js';

/** During an outage, at most one warning per this many ms (the first failure always logs). */
export const OUTAGE_LOG_INTERVAL_MS = 60_000;

/** Options of {@link SourceOutage}. */
export interface SourceOutageOptions {
  /** What fails, for messages: `poll()` or `startStreaming()`. */
  operation: string;
  clock: Clock;
  backoff: BackoffSettings;
  /** `retry.source_retry_timeout_ms`; undefined = retry without limit. */
  timeoutMs: number | undefined;
  state: RuntimeState;
  logger: Logger;
  /** Random source in [0, 1) for the jitter, injectable for tests. */
  random?: () => number;
}

/**
 * One source's failures in a row (an outage) and what follows from them: the backoff before
 * the next attempt (capped exponential with jitter, no count limit), readiness off with the
 * reason, the `source_failures_total` metric, warnings at most once per
 * {@link OUTAGE_LOG_INTERVAL_MS}, and the optional time budget
 * (`retry.source_retry_timeout_ms`) after which the outage is fatal.
 */
export class SourceOutage {
  private readonly options: SourceOutageOptions;
  private startedAt: number | undefined;
  private consecutive = 0;
  private lastWarnAt = 0;
  private unlogged = 0;

  constructor(options: SourceOutageOptions) {
    this.options = options;
  }

  /** Whether the source is failing now (a failure and no recovery since). */
  get failing(): boolean {
    return this.startedAt !== undefined;
  }

  /**
   * Records one retryable failure and returns how long to wait before the next attempt.
   * Once `retry.source_retry_timeout_ms` has passed since the outage began, throws an error
   * of kind `timeout` instead (the last failure as its cause).
   */
  failed(error: unknown): number {
    const { clock, operation, timeoutMs, state, logger } = this.options;
    const now = clock.now();
    this.startedAt ??= now;
    this.consecutive += 1;
    const elapsed = now - this.startedAt;
    state.recordSourceFailure(error, operation, this.consecutive);
    if (timeoutMs !== undefined && elapsed >= timeoutMs) {
      throw new DanubeConnectError(
        'timeout',
        `${operation} kept failing for ${elapsed} ms (${this.consecutive} attempts), longer than retry.source_retry_timeout_ms = ${timeoutMs}: ${errorMessage(error)}`,
        { cause: error, keyPath: 'retry.source_retry_timeout_ms' },
      );
    }
    let delay = backoffDelay(this.consecutive, this.options.backoff, this.options.random);
    // The last attempt happens when the budget ends, not a whole backoff after it.
    if (timeoutMs !== undefined) delay = Math.min(delay, timeoutMs - elapsed);
    const fields = { err: error, failures: this.consecutive, retryInMs: delay };
    if (this.consecutive === 1 || now - this.lastWarnAt >= OUTAGE_LOG_INTERVAL_MS) {
      const since =
        this.consecutive === 1
          ? ''
          : ` (${this.consecutive} failures in ${Math.round(elapsed / 1000)} s, ${this.unlogged} not logged)`;
      logger.warn(
        fields,
        `${operation} failed, retrying in ${delay} ms${since}: ${errorMessage(error)}`,
      );
      this.lastWarnAt = now;
      this.unlogged = 0;
    } else {
      this.unlogged += 1;
      logger.debug(fields, `${operation} failed again, retrying in ${delay} ms`);
    }
    return delay;
  }

  /**
   * Handles one failure of the source: rethrows it unless it is retryable, records it
   * ({@link SourceOutage.failed}, which throws once the time budget is spent) and waits the
   * backoff. Resolves true to try again, false when `signal` aborted meanwhile.
   */
  async backOff(error: unknown, signal: AbortSignal): Promise<boolean> {
    if (!isRetryableConnectorFailure(error)) throw error;
    const delay = this.failed(error);
    try {
      await sleep(this.options.clock, delay, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** The source works again: ends the outage (readiness back, one info line). */
  recovered(): void {
    const startedAt = this.startedAt;
    if (startedAt === undefined) return;
    const elapsed = this.options.clock.now() - startedAt;
    this.options.logger.info(
      { failures: this.consecutive, outageMs: elapsed },
      `${this.options.operation} works again after ${this.consecutive} failure(s) over ${Math.round(elapsed / 1000)} s`,
    );
    this.startedAt = undefined;
    this.consecutive = 0;
    this.unlogged = 0;
    this.options.state.setSourceRecovered();
  }
}
