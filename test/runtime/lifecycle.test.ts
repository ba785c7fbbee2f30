import { describe, expect, it } from 'vitest';
import { ConnectorError, RuntimeStoppingError } from '../../src/connector/errors.js';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import { SourceConnector, type SourceMode } from '../../src/connector/source-connector.js';
import { PublishTimeoutError } from '../../src/runtime/errors.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import {
  Lifecycle,
  ListSource,
  PushSource,
  coreFor,
  lastCommitted,
  runPushSource,
  runtimeOptions,
  startRuntime,
  topic,
  useTestBroker,
} from './support.js';

const broker = useTestBroker();

const env = (i: number, name = '/default/t'): SourceEnvelope =>
  SourceEnvelope.withOffset(
    SourceRecord.string(name, `m${i}`).withAttribute('i', String(i)),
    Offset.of('s', i),
  );

describe('SourceRuntime start-up', () => {
  it('refuses a polling connector without poll and a streaming one without startStreaming', async () => {
    class NoPoll extends SourceConnector {
      async initialize(): Promise<void> {}
      producerConfigs() {
        return [topic('/default/t')];
      }
    }
    class NoStream extends NoPoll {
      override mode(): SourceMode {
        return 'streaming';
      }
    }
    await expect(
      new SourceRuntime(new NoPoll(), coreFor(broker()), runtimeOptions()).run({
        handleSignals: false,
      }),
    ).rejects.toThrow(/NoPoll runs in polling mode but does not implement poll\(signal\)/);
    await expect(
      new SourceRuntime(new NoStream(), coreFor(broker()), runtimeOptions()).run({
        handleSignals: false,
      }),
    ).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringMatching(/does not implement startStreaming/) as unknown,
    });
  });

  it('names producers {connector_name}-{topic with / as -} and honours partitions and dispatch', async () => {
    const source = new ListSource({
      topics: [topic('/iot/sensors', 2, true), topic('/default/plain')],
      batches: [],
    });
    const runtime = new SourceRuntime(
      source,
      coreFor(broker(), { connector_name: 'my-conn' }),
      runtimeOptions(),
    );
    const run = startRuntime(runtime);
    await runtime.whenRunning();
    const producers = broker()
      .producers()
      .map((p) => `${p.name} ${p.topic} ${p.dispatch}`)
      .sort();
    await run.stop();
    expect(producers).toEqual([
      'my-conn-default-plain /default/plain NonReliable',
      'my-conn-iot-sensors-0 /iot/sensors-part-0 Reliable',
      'my-conn-iot-sensors-1 /iot/sensors-part-1 Reliable',
    ]);
  });

  it('whenRunning() resolves once producers exist and intake started, and stays resolved', async () => {
    const source = new PushSource([topic('/default/t')]);
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    const run = startRuntime(runtime);
    await runtime.whenRunning();
    expect(source.lifecycle.calls).toEqual(['initialize', 'producerConfigs', 'startStreaming']);
    expect(
      broker()
        .producers()
        .map((p) => p.topic),
    ).toEqual(['/default/t']);
    expect(runtime.state.phase).toBe('running');
    await run.stop();
    await expect(runtime.whenRunning()).resolves.toBeUndefined();
  });

  it('whenRunning() rejects with the error run() rejects with when start-up fails', async () => {
    const failure = ConnectorError.fatal('cannot reach upstream');
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [],
      initializeHook: () => Promise.reject(failure),
    });
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    const running = runtime.whenRunning();
    await expect(runtime.run({ handleSignals: false })).rejects.toBe(failure);
    await expect(running).rejects.toBe(failure);
  });

  it('whenRunning() rejects with RuntimeStoppingError when stopped before running; run() resolves', async () => {
    let release: () => void = () => undefined;
    let initializing: () => void = () => undefined;
    const entered = new Promise<void>((resolve) => (initializing = resolve));
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [],
      initializeHook: () => {
        initializing();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    const run = startRuntime(runtime);
    await entered;
    run.controller.abort();
    release();
    await run.done;
    await expect(runtime.whenRunning()).rejects.toBeInstanceOf(RuntimeStoppingError);
    expect(source.lifecycle.calls).toEqual(['initialize', 'shutdown']);
  });

  it('rejects run() with the initialize() error and still calls shutdown()', async () => {
    const lifecycle = new Lifecycle();
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [],
      lifecycle,
      initializeHook: () => Promise.reject(ConnectorError.fatal('cannot reach upstream')),
    });
    await expect(
      new SourceRuntime(source, coreFor(broker()), runtimeOptions()).run({ handleSignals: false }),
    ).rejects.toThrow('cannot reach upstream');
    expect(lifecycle.calls).toEqual(['initialize', 'shutdown']);
  });

  it('refuses a missing namespace with a clear message', async () => {
    const source = new ListSource({ topics: [topic('/nowhere/t')], batches: [] });
    await expect(
      new SourceRuntime(source, coreFor(broker()), runtimeOptions()).run({ handleSignals: false }),
    ).rejects.toThrow(/namespace "nowhere" does not exist/);
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
  });
});

describe('SourceRuntime fatal paths', () => {
  it('poll() throwing fatal: run() rejects after draining and committing what was accepted', async () => {
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [[env(0), env(1), env(2)]],
      pollHook: (n) =>
        n === 2 ? Promise.reject(ConnectorError.fatal('cursor table dropped')) : undefined,
    });
    const runtime = new SourceRuntime(source, coreFor(broker()), runtimeOptions());
    await expect(runtime.run({ handleSignals: false })).rejects.toThrow('cursor table dropped');
    expect(broker().messages('/default/t')).toHaveLength(3);
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(2);
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
    expect(runtime.state.snapshot().phase).toBe('stopped');
  });

  it('poll() throwing retryable: retried with backoff, more often than retry.max_retries', async () => {
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [],
      pollHook: (n) =>
        n <= 5 ? Promise.reject(ConnectorError.retryable('rate limited')) : undefined,
    });
    const run = startRuntime(
      new SourceRuntime(source, coreFor(broker(), { retry: { max_retries: 2 } }), runtimeOptions()),
    );
    await source.exhausted();
    await run.stop();
    expect(source.pollCount).toBeGreaterThanOrEqual(6);
  });

  it('startStreaming() rejecting: run() rejects and shutdown() runs', async () => {
    const source = new PushSource([topic('/default/t')]);
    source.streamHook = () => Promise.reject(ConnectorError.fatal('subscription refused'));
    await expect(
      new SourceRuntime(source, coreFor(broker()), runtimeOptions()).run({ handleSignals: false }),
    ).rejects.toThrow('subscription refused');
    expect(source.lifecycle.calls).toEqual([
      'initialize',
      'producerConfigs',
      'startStreaming',
      'shutdown',
    ]);
  });

  it('commit() failing: retried with backoff, then fatal; published records are never lost', async () => {
    let attempts = 0;
    const source = new ListSource({
      topics: [topic('/default/t')],
      batches: [[env(0), env(1)]],
      commitHook: () => {
        attempts += 1;
        throw new Error('checkpoint store down');
      },
    });
    await expect(
      new SourceRuntime(
        source,
        coreFor(broker(), { retry: { max_retries: 2 } }),
        runtimeOptions(),
      ).run({ handleSignals: false }),
    ).rejects.toThrow(/commit\(\) kept failing after 2 retries: checkpoint store down/);
    expect(attempts).toBe(3);
    expect(broker().messages('/default/t')).toHaveLength(2);
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
  });

  it('broker down longer than publish_timeout_ms: fatal with a clear error, nothing committed past what was published', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/t')], {
      retry: { publish_timeout_ms: 400 },
    });
    const sender = await source.sender;
    const first = await sender.send(env(0));
    await first.delivered;
    await broker().goDown();
    const receipts = await sender.sendBatch([env(1), env(2)]);
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fatal', keyPath: 'processing.failure_policy' });
    expect((error as Error).message).toMatch(
      /could not be published: publish to \/default\/t not confirmed within retry\.publish_timeout_ms = 400 ms/,
    );
    expect((error as Error).cause).toBeInstanceOf(PublishTimeoutError);
    await expect(receipts[0]?.delivered).rejects.toThrow();
    await expect(receipts[1]?.delivered).rejects.toThrow();
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(0);
    await broker().comeUp();
  });
});

describe('SourceRuntime shutdown', () => {
  it('rejects send() after shutdown began and lets unawaited receipts fail quietly', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/t')], {
      processing: { shutdown_timeout_ms: 200 },
      retry: { publish_timeout_ms: 60_000 },
    });
    const sender = await source.sender;
    await (
      await sender.send(env(0))
    ).delivered;
    await broker().goDown();
    // accepted but cannot be published before the shutdown deadline: nobody awaits these receipts
    await sender.sendBatch([env(1), env(2), env(3)]);
    await run.stop();
    await expect(sender.send(env(4))).rejects.toBeInstanceOf(RuntimeStoppingError);
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(0);
    expect(source.lifecycle.calls.at(-1)).toBe('shutdown');
    await broker().comeUp();
  });

  it('drains everything accepted before stopping, then commits it', async () => {
    const { source, run } = runPushSource(broker(), [topic('/default/t', 2)]);
    const sender = await source.sender;
    broker().faults.latency(5, 'SendMessage');
    const receipts = await sender.sendBatch(Array.from({ length: 50 }, (_, i) => env(i)));
    await run.stop();
    const results = await Promise.all(receipts.map((r) => r.delivered));
    expect(results.every((r) => r.status === 'published')).toBe(true);
    expect(
      broker().messages('/default/t-part-0').length + broker().messages('/default/t-part-1').length,
    ).toBe(50);
    expect(lastCommitted(source.lifecycle.commits).get('s')).toBe(49);
  });

  it('serves readiness and status over HTTP while running, and turns unready when the health check fails', async () => {
    let healthy = true;
    class Checked extends PushSource {
      override healthCheck(): Promise<void> {
        return healthy ? Promise.resolve() : Promise.reject(new Error('upstream socket closed'));
      }
    }
    const source = new Checked([topic('/default/t')]);
    const runtime = new SourceRuntime(
      source,
      coreFor(broker(), {
        processing: { health_check_interval_ms: 10, health_check_failure_threshold: 2 },
      }),
      runtimeOptions({ http: { port: 0, host: '127.0.0.1' } }),
    );
    const run = startRuntime(runtime);
    const sender = await source.sender;
    await (
      await sender.send(env(0))
    ).delivered;
    const url = runtime.httpUrl as string;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const status = (await (await fetch(`${url}/status`)).json()) as {
      totals: { published: number };
      mode: string;
    };
    expect(status.totals.published).toBe(1);
    expect(status.mode).toBe('streaming');
    healthy = false;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (!runtime.state.healthy) resolve();
        else setImmediate(check);
      };
      check();
    });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/upstream socket closed/);
    await run.stop();
  });
});
