import { describe, expect, it } from 'vitest';
import { RuntimeState } from '../../src/observability/state.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { HealthMonitor } from '../../src/runtime/health-monitor.js';
import { quietLogger } from './support.js';

describe('HealthMonitor', () => {
  it('turns unhealthy after the failure threshold and healthy again after one pass', async () => {
    const clock = new ManualClock();
    const state = new RuntimeState({ connector: 't' });
    const results: boolean[] = [false, false, false, true];
    let checks = 0;
    const monitor = new HealthMonitor({
      check: () => {
        const ok = results[checks++] ?? true;
        return ok ? Promise.resolve() : Promise.reject(new Error('upstream gone'));
      },
      clock,
      intervalMs: 1_000,
      failureThreshold: 3,
      state,
      logger: quietLogger(),
    });
    monitor.start();
    await clock.advance(999);
    expect(checks).toBe(0);
    await clock.advance(1);
    await clock.advance(1_000);
    expect(checks).toBe(2);
    expect(state.healthy).toBe(true);
    await clock.advance(1_000);
    expect(state.healthy).toBe(false);
    expect(state.readiness().reasons.join()).toMatch(/upstream gone/);
    await clock.advance(1_000);
    expect(state.healthy).toBe(true);
    await monitor.stop();
    await clock.advance(10_000);
    expect(checks).toBe(4);
  });

  it('never runs two checks at once', async () => {
    const clock = new ManualClock();
    let running = 0;
    let peak = 0;
    let release: () => void = () => undefined;
    const monitor = new HealthMonitor({
      check: () => {
        running += 1;
        peak = Math.max(peak, running);
        return new Promise<void>((resolve) => {
          release = () => {
            running -= 1;
            resolve();
          };
        });
      },
      clock,
      intervalMs: 10,
      failureThreshold: 1,
      state: new RuntimeState({ connector: 't' }),
      logger: quietLogger(),
    });
    monitor.start();
    await clock.advance(100);
    expect(peak).toBe(1);
    release();
    const stopped = monitor.stop();
    await stopped;
  });
});
