import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from './reconnect-backoff.js';

describe('ReconnectBackoff', () => {
  it('doubles from the first delay up to the cap, and starts over after a connection', () => {
    const backoff = new ReconnectBackoff(100, 1000, () => 0.5); // no jitter
    expect([
      backoff.next(),
      backoff.next(),
      backoff.next(),
      backoff.next(),
      backoff.next(),
    ]).toEqual([100, 200, 400, 800, 1000]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('spreads delays by ±20 % so restarted connectors do not reconnect together', () => {
    expect(new ReconnectBackoff(1000, 10_000, () => 0).next()).toBe(800);
    expect(new ReconnectBackoff(1000, 10_000, () => 0.999_999).next()).toBe(1200);
  });
});
