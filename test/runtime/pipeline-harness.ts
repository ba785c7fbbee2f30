import { RuntimeState } from '../../src/observability/state.js';
import { BoundedBuffer } from '../../src/runtime/bounded-buffer.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { FailurePolicy, type FailurePolicyName } from '../../src/runtime/failure-policy.js';
import { OffsetTracker } from '../../src/runtime/offset-tracker.js';
import { PublishPipeline, type PublishTarget } from '../../src/runtime/publish-pipeline.js';
import { Publisher } from '../../src/runtime/publisher.js';
import { FakeProducer, SendBoard } from './fakes.js';
import { quietLogger } from './support.js';

/** Options of {@link makePipeline}. */
export interface PipelineSetup {
  topics: Array<{ topic: string; partitions: number }>;
  policy?: FailurePolicyName;
  maxInflight?: number;
  bufferSize?: number;
  publishTimeoutMs?: number;
  deadLetterFallback?: 'fail' | 'skip';
}

/** A publish pipeline over fake producers answered by the test, with a manual clock. */
export function makePipeline(setup: PipelineSetup) {
  const board = new SendBoard();
  const clock = new ManualClock();
  const state = new RuntimeState({ connector: 'test' });
  const logger = quietLogger();
  const abort = new AbortController();
  const publisher = new Publisher({
    clock,
    backoff: { baseMs: 10, maxMs: 100 },
    publishTimeoutMs: setup.publishTimeoutMs ?? 1_000,
    signal: abort.signal,
  });
  const targets = new Map<string, PublishTarget>(
    setup.topics.map((t) => [
      t.topic,
      { producer: new FakeProducer(board, t.topic, t.partitions), codec: undefined },
    ]),
  );
  const policy = setup.policy ?? 'fail';
  const deadLetterProducer = new FakeProducer(board, '/default/dlq');
  const failurePolicy = new FailurePolicy({
    policy,
    connectorName: 'test',
    state,
    logger,
    ...(policy === 'dead_letter'
      ? {
          deadLetter: {
            producer: deadLetterProducer,
            publisher,
            maxPayloadBytes: 1_024,
            fallback: setup.deadLetterFallback ?? 'fail',
          },
        }
      : {}),
  });
  const tracker = new OffsetTracker();
  const buffer = new BoundedBuffer(setup.bufferSize ?? 10_000);
  const fatal: Error[] = [];
  let settledCalls = 0;
  const pipeline = new PublishPipeline({
    targets,
    publisher,
    failurePolicy,
    buffer,
    tracker,
    maxInflightPerPartition: setup.maxInflight ?? 1,
    state,
    clock,
    logger,
    onSettled: () => {
      settledCalls += 1;
    },
    onFatal: (error) => fatal.push(error),
  });
  return {
    pipeline,
    board,
    clock,
    state,
    tracker,
    buffer,
    fatal,
    abort,
    get settledCalls() {
      return settledCalls;
    },
  };
}
