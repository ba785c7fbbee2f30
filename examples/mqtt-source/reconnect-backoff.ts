/**
 * Delays between reconnect attempts: doubling from `minMs` up to `maxMs`, with ±20 % jitter so
 * many connectors restarted together do not reconnect in lockstep.
 */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; each call counts one more failed attempt. */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const jitter = 1 + (this.random() * 0.4 - 0.2);
    return Math.max(1, Math.round(Math.min(this.maxMs, base * jitter)));
  }

  /** Back to the first delay, after a successful connection. */
  reset(): void {
    this.attempt = 0;
  }
}
