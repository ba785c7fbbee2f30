import { describe, expect, it } from 'vitest';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import { FORCED_EXIT_CODES, installSignalHandlers } from '../../src/runtime/signals.js';
import { ListSource, coreFor, runtimeOptions, topic, useTestBroker } from './support.js';

describe('signal handlers', () => {
  it('first signal shuts down, the second forces, and removal leaves no listener behind', () => {
    const before = process.listenerCount('SIGTERM');
    const calls: string[] = [];
    const remove = installSignalHandlers({
      onShutdown: (signal) => calls.push(`shutdown ${signal}`),
      onForce: (signal) => calls.push(`force ${signal}`),
    });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['shutdown SIGTERM', 'force SIGINT']);
    remove();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(FORCED_EXIT_CODES).toEqual({ SIGINT: 130, SIGTERM: 143 });
  });
});

describe('SourceRuntime and signals', () => {
  const broker = useTestBroker();

  it('installs SIGTERM/SIGINT handlers only while run() runs, and stops gracefully on SIGTERM', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const source = new ListSource({ topics: [topic('/default/t')], batches: [] });
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    const done = runtime.run();
    await source.exhausted();
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    process.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
  });

  it('installs nothing with handleSignals: false, and an already aborted signal stops before initialize', async () => {
    const before = process.listenerCount('SIGTERM');
    const source = new ListSource({ topics: [topic('/default/t')], batches: [] });
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    const controller = new AbortController();
    controller.abort();
    const done = runtime.run({ signal: controller.signal, handleSignals: false });
    expect(process.listenerCount('SIGTERM')).toBe(before);
    await done;
    expect(source.lifecycle.calls).toEqual([]);
    await expect(runtime.run()).rejects.toThrow(/only once/);
  });
});
