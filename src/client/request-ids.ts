/**
 * A request id counter: u64 values counting up from 0, as decimal strings (the wire form).
 */
export class RequestIdCounter {
  private next = 0n;

  /** Returns the next id. */
  take(): string {
    const id = this.next;
    this.next = (this.next + 1n) & 0xffffffffffffffffn;
    return id.toString();
  }
}
