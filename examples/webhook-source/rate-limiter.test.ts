import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.msUntilNextToken()).toBe(500);
    now = 500;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    now = 60_000;
    expect(bucket.isFull()).toBe(true);
  });
});

describe('RateLimiter', () => {
  it('limits each client on its own bucket before the shared one', () => {
    let now = 0;
    const limiter = new RateLimiter(
      {
        requests_per_second: 100,
        burst_size: 3,
        per_ip_enabled: true,
        per_ip_requests_per_second: 1,
      },
      () => now,
    );
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
    expect(limiter.check('10.0.0.1')).toEqual({
      allowed: false,
      scope: 'client',
      retryAfterMs: 1000,
    });
    expect(limiter.check('10.0.0.2')).toEqual({ allowed: true });
    expect(limiter.check('10.0.0.3')).toEqual({ allowed: true });
    expect(limiter.check('10.0.0.4')).toMatchObject({ allowed: false, scope: 'global' });
    now = 1000;
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
  });

  it('only has the shared bucket when per-IP limiting is off', () => {
    const limiter = new RateLimiter(
      { requests_per_second: 1, burst_size: 1, per_ip_enabled: false },
      () => 0,
    );
    expect(limiter.check('a').allowed).toBe(true);
    expect(limiter.check('b')).toMatchObject({ allowed: false, scope: 'global' });
  });
});
