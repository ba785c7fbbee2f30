import { RuntimeStoppingError } from '../connector/errors.js';
import type { Clock, TimerHandle } from './clock.js';
import { DanubeConnectError } from '../errors.js';

/**
 * The one deadline of a graceful stop: `processing.shutdown_timeout_ms` counted from the stop
 * request. Every step of the stop (waiting for a pending start-up call, draining, the final
 * commit, `shutdown()`) waits on it, so the whole stop is bounded by that one number.
 */
export class StopDeadline {
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly controller = new AbortController();
  private timer: TimerHandle | undefined;

  constructor(clock: Clock, timeoutMs: number) {
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /** Aborts when the deadline passes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the deadline has passed. */
  get passed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Starts counting (the stop was requested); later calls change nothing. */
  start(): void {
    if (this.timer !== undefined || this.passed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.controller.abort(
        new RuntimeStoppingError(
          `processing.shutdown_timeout_ms = ${this.timeoutMs} ms passed since the stop request`,
        ),
      );
    }, this.timeoutMs);
  }

  /** Cancels the timer once the stop no longer waits for anything. */
  clear(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Waits for `task` until the deadline: `true` when it resolved first, `false` when the
   * deadline passed first (or had passed already); rejects when `task` rejected first.
   */
  within(task: Promise<unknown>): Promise<boolean> {
    if (this.passed) return Promise.resolve(false);
    const signal = this.controller.signal;
    let onPassed = (): void => undefined;
    const passed = new Promise<boolean>((resolve) => {
      onPassed = () => resolve(false);
      signal.addEventListener('abort', onPassed, { once: true });
    });
    return Promise.race([task.then(() => true), passed]).finally(() =>
      signal.removeEventListener('abort', onPassed),
    );
  }

  /**
   * `task`'s result, or an error of kind `timeout` naming `step` when the deadline passes first.
   * Before the stop is requested this simply waits for `task`.
   */
  async bound<T>(step: string, task: Promise<T>): Promise<T> {
    if (!(await this.within(task))) {
      throw new DanubeConnectError(
        'timeout',
        `${step} did not finish within processing.shutdown_timeout_ms = ${this.timeoutMs} ms of the stop request`,
        { keyPath: 'processing.shutdown_timeout_ms' },
      );
    }
    return task;
  }
}
