import type { Logger } from '../observability/logger.js';
import type { RuntimeState } from '../observability/state.js';
import type { Clock, TimerHandle } from './clock.js';
import { errorMessage } from '../errors.js';

/** Options of {@link HealthMonitor}. */
export interface HealthMonitorOptions {
  /** The connector's `healthCheck`. */
  check: () => Promise<void>;
  clock: Clock;
  /** `processing.health_check_interval_ms`. */
  intervalMs: number;
  /** `processing.health_check_failure_threshold`: consecutive failures before unhealthy. */
  failureThreshold: number;
  state: RuntimeState;
  logger: Logger;
}

/**
 * Runs the connector's `healthCheck()` every `health_check_interval_ms` (never two at once).
 * After `health_check_failure_threshold` consecutive failures the connector is unhealthy
 * (readiness off, `healthy` metric 0, error log) until a check passes again.
 */
export class HealthMonitor {
  private readonly options: HealthMonitorOptions;
  private timer: TimerHandle | undefined;
  private consecutiveFailures = 0;
  private stopped = true;
  private current: Promise<void> | undefined;

  constructor(options: HealthMonitorOptions) {
    this.options = options;
  }

  /** Consecutive failed checks so far. */
  get failures(): number {
    return this.consecutiveFailures;
  }

  /** Schedules the first check one interval from now. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Cancels further checks and waits for a running one. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  /** Runs one check now (also used by tests). */
  async checkNow(): Promise<void> {
    const { state, logger, failureThreshold } = this.options;
    try {
      await this.options.check();
      if (!state.healthy) logger.info('connector health check passes again');
      this.consecutiveFailures = 0;
      if (!state.healthy) state.setHealthy(true);
    } catch (error) {
      this.consecutiveFailures += 1;
      if (this.consecutiveFailures >= failureThreshold) {
        if (state.healthy) {
          logger.error(
            { err: error, failures: this.consecutiveFailures },
            `connector unhealthy after ${this.consecutiveFailures} failed health checks: ${errorMessage(error)}`,
          );
        }
        state.setHealthy(false, error);
      } else {
        logger.warn(
          { err: error, failures: this.consecutiveFailures, threshold: failureThreshold },
          `health check failed (${this.consecutiveFailures}/${failureThreshold}): ${errorMessage(error)}`,
        );
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.current = this.checkNow().finally(() => {
        this.current = undefined;
        this.schedule();
      });
    }, this.options.intervalMs);
  }
}
