import { describe, expect, it } from 'vitest';
import { RuntimeStoppingError } from '../../src/connector/errors.js';
import { SourceRecord } from '../../src/connector/record.js';
import { runPushSource, topic, useTestBroker } from './support.js';

const broker = useTestBroker();

describe('SourceSender.send with a signal', () => {
  it('stops waiting for room when the signal aborts, and the record is not accepted', async () => {
    const { source, runtime, run } = runPushSource(broker(), [topic('/default/deadline')], {
      processing: { buffer_size: 2 },
    });
    const sender = await source.sender;
    broker().faults.latency(200, 'SendMessage');
    const first = await sender.send(SourceRecord.string('/default/deadline', 'one'));
    const second = await sender.send(SourceRecord.string('/default/deadline', 'two'));
    expect(runtime.stats.accepted).toBe(2); // the buffer is full: the next send must wait

    const deadline = new AbortController();
    const waiting = sender.send(SourceRecord.string('/default/deadline', 'three'), {
      signal: deadline.signal,
    });
    deadline.abort(new Error('HTTP deadline reached'));
    await expect(waiting).rejects.toThrow('HTTP deadline reached');

    await Promise.all([first.delivered, second.delivered]);
    broker().faults.latency(0, 'SendMessage');
    const fourth = await sender.send(SourceRecord.string('/default/deadline', 'four'));
    await fourth.delivered;
    await run.stop();
    const stored = broker()
      .messages('/default/deadline')
      .map((m) => m.payload.toString());
    expect(stored).toEqual(['one', 'two', 'four']);
  });
});

describe('SourceSender.isClosed', () => {
  it('is false while running and true once the runtime stops, when send refuses', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/closing')]);
    const sender = await source.sender;
    expect(sender.isClosed()).toBe(false);
    await (
      await sender.send(SourceRecord.string('/default/closing', 'kept'))
    ).delivered;
    await run.stop();
    expect(sender.isClosed()).toBe(true);
    await expect(sender.send(SourceRecord.string('/default/closing', 'late'))).rejects.toThrow(
      RuntimeStoppingError,
    );
  });
});
