import { describe, expect, it } from 'vitest';
import { BufferedPollBridge } from '../../src/connector/buffered-poll-bridge.js';
import { ConnectorError } from '../../src/connector/errors.js';

describe('BufferedPollBridge', () => {
  it('push() refuses without storing when full, and signals full / room', () => {
    const events: string[] = [];
    const bridge = new BufferedPollBridge<number>({
      capacity: 2,
      onFull: () => events.push('full'),
      onRoom: () => events.push('room'),
    });
    expect(bridge.push(1)).toBe(true);
    expect(bridge.push(2)).toBe(true);
    expect(bridge.push(3)).toBe(false);
    expect(bridge.size).toBe(2);
    expect(bridge.drain()).toEqual([1, 2]);
    expect(events).toEqual(['full', 'room']);
    expect(bridge.drain()).toEqual([]);
  });

  it('drains in arrival order, at most maxBatch at a time', () => {
    const bridge = new BufferedPollBridge<number>({ capacity: 10, maxBatch: 3 });
    for (let i = 0; i < 7; i++) bridge.push(i);
    expect(bridge.drain()).toEqual([0, 1, 2]);
    expect(bridge.drain(10)).toEqual([3, 4, 5, 6]);
  });

  it('pushWhenRoom() waits for room in call order and push() cannot overtake it', async () => {
    const bridge = new BufferedPollBridge<string>({ capacity: 1 });
    bridge.push('a');
    const b = bridge.pushWhenRoom('b');
    const c = bridge.pushWhenRoom('c');
    expect(bridge.push('late')).toBe(false);
    expect(bridge.waiting).toBe(2);
    expect(bridge.drain()).toEqual(['a']);
    await b;
    expect(bridge.drain()).toEqual(['b']);
    await c;
    expect(bridge.drain()).toEqual(['c']);
  });

  it('pushWhenRoom() rejects on abort and on close, without storing', async () => {
    const bridge = new BufferedPollBridge<string>({ capacity: 1 });
    bridge.push('a');
    const controller = new AbortController();
    const aborted = bridge.pushWhenRoom('b', controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    const closed = bridge.pushWhenRoom('c');
    bridge.close();
    await expect(closed).rejects.toThrow(/closed/);
    expect(bridge.drain()).toEqual(['a']);
    expect(bridge.push('d')).toBe(false);
  });

  it('surfaces an SDK error through drain after the items buffered before it', () => {
    const bridge = new BufferedPollBridge<number>({ capacity: 5 });
    bridge.push(1);
    bridge.fail(ConnectorError.retryable('sdk disconnected'));
    expect(bridge.drain()).toEqual([1]);
    expect(() => bridge.drain()).toThrow('sdk disconnected');
    expect(bridge.drain()).toEqual([]);
  });
});
