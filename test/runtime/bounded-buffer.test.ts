import { describe, expect, it } from 'vitest';
import { RuntimeStoppingError } from '../../src/connector/errors.js';
import { BoundedBuffer } from '../../src/runtime/bounded-buffer.js';
import { flush } from './fakes.js';

describe('BoundedBuffer', () => {
  it('admits waiters first come, first served, running onAdmit synchronously in order', async () => {
    const buffer = new BoundedBuffer(2);
    const order: string[] = [];
    await buffer.acquire(undefined, () => order.push('a'));
    await buffer.acquire(undefined, () => order.push('b'));
    const c = buffer.acquire(undefined, () => order.push('c'));
    const d = buffer.acquire(undefined, () => order.push('d'));
    expect(buffer.tryAcquire()).toBe(false);
    expect(buffer.waiting).toBe(2);
    buffer.release();
    // a caller arriving now must not overtake d
    expect(buffer.tryAcquire()).toBe(false);
    buffer.release();
    await Promise.all([c, d]);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(buffer.size).toBe(2);
    expect(buffer.peak).toBe(2);
  });

  it('rejects waiting and later callers once closed, and reports when empty', async () => {
    const buffer = new BoundedBuffer(1);
    expect(buffer.tryAcquire()).toBe(true);
    const waiting = buffer.acquire();
    let empty = false;
    void buffer.whenEmpty().then(() => {
      empty = true;
    });
    buffer.close(new RuntimeStoppingError());
    await expect(waiting).rejects.toBeInstanceOf(RuntimeStoppingError);
    await expect(buffer.acquire()).rejects.toBeInstanceOf(RuntimeStoppingError);
    await flush();
    expect(empty).toBe(false);
    buffer.release();
    await flush();
    expect(empty).toBe(true);
  });

  it('stops waiting when the signal aborts', async () => {
    const buffer = new BoundedBuffer(1);
    buffer.tryAcquire();
    const controller = new AbortController();
    let admitted = false;
    const waiting = buffer.acquire(controller.signal, () => {
      admitted = true;
    });
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    buffer.release();
    expect(admitted).toBe(false);
    expect(buffer.size).toBe(0);
  });

  it('wakes a producer once when room for a whole chunk is free, never ahead of acquire waiters', async () => {
    const buffer = new BoundedBuffer(4);
    for (let i = 0; i < 4; i += 1) expect(buffer.tryAcquire()).toBe(true);
    let roomy = false;
    const room = buffer.whenRoom(3).then(() => {
      roomy = true;
    });
    const queued = buffer.acquire();
    buffer.release(); // goes to the acquire waiter, not to the chunk
    await queued;
    buffer.release();
    buffer.release();
    await flush();
    expect(roomy).toBe(false); // 2 free, 3 wanted
    buffer.release();
    await room;
    expect(buffer.size).toBe(1);
    for (let i = 0; i < 3; i += 1) expect(buffer.tryAcquire()).toBe(true);
    expect(buffer.tryAcquire()).toBe(false);
  });

  it('caps the room wanted at the capacity and rejects room waiters once closed', async () => {
    const buffer = new BoundedBuffer(2);
    await expect(buffer.whenRoom(50)).resolves.toBeUndefined();
    buffer.tryAcquire();
    const room = buffer.whenRoom(2);
    buffer.close(new RuntimeStoppingError());
    await expect(room).rejects.toBeInstanceOf(RuntimeStoppingError);
    await expect(buffer.whenRoom(1)).rejects.toBeInstanceOf(RuntimeStoppingError);
  });
});
