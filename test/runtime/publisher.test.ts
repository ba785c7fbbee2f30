import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/runtime/backoff.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { PublishTimeoutError } from '../../src/runtime/errors.js';
import { Publisher, isRetryablePublishError } from '../../src/runtime/publisher.js';
import { FakeProducer, SendBoard, flush, invalidArgument, unavailable } from './fakes.js';

function setup(publishTimeoutMs = 1_000) {
  const clock = new ManualClock();
  const board = new SendBoard();
  const producer = new FakeProducer(board, '/default/t', 2);
  const retries: string[] = [];
  const publisher = new Publisher({
    clock,
    backoff: { baseMs: 100, maxMs: 400 },
    publishTimeoutMs,
    onRetry: (topic) => retries.push(topic),
  });
  return { clock, board, producer, publisher, retries };
}

describe('Publisher', () => {
  it('retries retryable failures with backoff on the same partition until published', async () => {
    const s = setup();
    const result = s.publisher.publish(s.producer, Buffer.from('x'), { partition: 1, key: 'k' });
    s.board.fail(0, unavailable());
    await flush();
    expect(s.board.pending).toHaveLength(0);
    await s.clock.advance(100);
    expect(s.board.pending).toHaveLength(1);
    s.board.fail(0, unavailable());
    await s.clock.advance(200);
    expect(s.board.pending[0]?.partitionTopic).toBe('/default/t-part-1');
    s.board.succeed(0);
    await expect(result).resolves.toMatchObject({ topic: '/default/t-part-1' });
    expect(s.retries).toEqual(['/default/t-part-1', '/default/t-part-1']);
  });

  it('does not retry an oversize message', async () => {
    const s = setup();
    const result = s.publisher.publish(s.producer, Buffer.from('x'), { partition: 0 });
    s.board.fail(0, invalidArgument());
    await expect(result).rejects.toMatchObject({ kind: 'oversize' });
    expect(s.retries).toEqual([]);
  });

  it('gives up with PublishTimeoutError once retry.publish_timeout_ms has passed', async () => {
    const s = setup(500);
    const result = s.publisher.publish(s.producer, Buffer.from('x'), { partition: 0 });
    result.catch(() => undefined);
    for (let i = 0; i < 20 && s.board.pending.length > 0; i++) {
      s.board.fail(0, unavailable());
      await s.clock.advance(400);
    }
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishTimeoutError);
    expect((error as Error).message).toMatch(
      /not confirmed within retry\.publish_timeout_ms = 500 ms/,
    );
    expect(s.clock.now()).toBeGreaterThanOrEqual(500);
  });

  it('names the last broker error, not the abort, when the deadline cuts a hanging attempt', async () => {
    const s = setup(500);
    const result = s.publisher.publish(s.producer, Buffer.from('x'), { partition: 0 });
    result.catch(() => undefined);
    s.board.fail(0, unavailable());
    await s.clock.advance(100);
    expect(s.board.pending).toHaveLength(1); // the retry hangs (broker down, reconnecting)
    await s.clock.advance(500);
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishTimeoutError);
    expect((error as Error).message).toMatch(/after 2 attempt\(s\); last error: .*UNAVAILABLE/);
    expect((error as Error).cause).toMatchObject({ kind: 'unavailable' });
  });

  it('classifies broker errors', () => {
    expect(isRetryablePublishError(unavailable())).toBe(true);
    expect(isRetryablePublishError(invalidArgument())).toBe(false);
    expect(isRetryablePublishError(new TypeError('bug'))).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    const b = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(1, b, () => 0)).toBe(50);
    expect(backoffDelay(1, b, () => 0.999)).toBe(100);
    expect(backoffDelay(3, b, () => 0.999)).toBe(400);
    expect(backoffDelay(10, b, () => 0.999)).toBe(1_000);
  });
});
