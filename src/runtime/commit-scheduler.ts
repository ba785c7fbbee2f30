import type { Offset } from '../connector/offset.js';
import { retryWithBackoff, type BackoffSettings } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import { isRetryableConnectorFailure } from './errors.js';
import type { OffsetTracker } from './offset-tracker.js';

/** Options of {@link CommitScheduler}. */
export interface CommitSchedulerOptions {
  tracker: OffsetTracker;
  /** The connector's `commit`. */
  commit: (offsets: Offset[]) => Promise<void>;
  clock: Clock;
  /** `processing.batch_size`: commit once this many envelopes settled since the last one. */
  batchSize: number;
  /** `processing.batch_timeout_ms`: commit at the latest this long after the first settlement. */
  batchTimeoutMs: number;
  /** Whether nothing is accepted-and-unsettled: then commit at once. */
  isIdle: () => boolean;
  /** `retry.max_retries` and backoff for failing commits. */
  maxRetries: number;
  backoff: BackoffSettings;
  /** After a confirmed commit (state, metrics, logs). */
  onCommitted?: (offsets: Offset[]) => void;
  /** A commit attempt failed and will be retried. */
  onRetry?: (error: unknown, attempt: number) => void;
  /** Commits failed after every retry (or with a fatal error): the runtime must stop. */
  onFatal: (error: unknown) => void;
  /**
   * When it aborts (the stop deadline passed), no commit starts any more and a running one
   * is neither retried nor reported as committed, whatever it does later.
   */
  signal?: AbortSignal;
}

/**
 * Coalesces commits: instead of one `commit()` per record, the committable offsets (see
 * {@link OffsetTracker}) are handed over after `batch_size` settlements, after
 * `batch_timeout_ms`, or at once when the pipeline is idle. Never two commits at once; a
 * trigger during a commit runs another right after. Failures are retried with backoff up to
 * `retry.max_retries` (an error of a kind that is not retryable, such as
 * `ConnectorError.fatal` or `.config`, is not retried), then fatal.
 */
export class CommitScheduler {
  private readonly options: CommitSchedulerOptions;
  private settledSinceCommit = 0;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failed = false;
  private commitCount = 0;

  constructor(options: CommitSchedulerOptions) {
    this.options = options;
  }

  /** Commits made so far (for tests and status). */
  get commits(): number {
    return this.commitCount;
  }

  /** Call after envelopes settled; decides whether to commit now or later. */
  notifySettled(count = 1): void {
    this.settledSinceCommit += count;
    if (this.failed || !this.options.tracker.hasCommittable) return;
    if (this.settledSinceCommit >= this.options.batchSize || this.options.isIdle()) {
      this.trigger();
    } else if (this.timer === undefined) {
      this.timer = this.options.clock.setTimeout(() => {
        this.timer = undefined;
        this.trigger();
      }, this.options.batchTimeoutMs);
    }
  }

  /**
   * Commits everything committable now, after any running commit; resolves when done.
   * Rejects when the commit finally failed.
   */
  async flush(): Promise<void> {
    await this.idle();
    if (this.failed || !this.options.tracker.hasCommittable) return;
    this.trigger();
    await this.idle();
  }

  /** Cancels the pending timer (no commit is started after this by the timer). */
  stop(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async idle(): Promise<void> {
    for (let running = this.running; running !== undefined; running = this.running) await running;
  }

  private trigger(): void {
    if (this.options.signal?.aborted === true) return;
    if (this.timer !== undefined) {
      this.options.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.again) this.trigger();
    });
  }

  private async loop(): Promise<void> {
    const { tracker } = this.options;
    do {
      this.again = false;
      if (!tracker.hasCommittable) return;
      this.settledSinceCommit = 0;
      const offsets = tracker.take();
      try {
        await retryWithBackoff(() => this.options.commit(offsets), {
          clock: this.options.clock,
          backoff: this.options.backoff,
          maxRetries: this.options.maxRetries,
          isRetryable: isRetryableConnectorFailure,
          ...(this.options.onRetry === undefined ? {} : { onRetry: this.options.onRetry }),
          ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
        });
      } catch (error) {
        tracker.restore(offsets);
        if (this.options.signal?.aborted === true) return;
        this.failed = true;
        this.options.onFatal(error);
        return;
      }
      this.commitCount += 1;
      this.options.onCommitted?.(offsets);
    } while (this.again);
    // Settled while committing but not triggered yet: wait for the next trigger, or idle.
    if (tracker.hasCommittable) this.notifySettled(0);
  }
}
