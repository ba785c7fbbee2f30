import { describe, expect, it } from 'vitest';
import { shutdownDrainsVerdict } from '../../../src/testing/conformance/properties/shutdown-drains.js';
import { calls, evidence, handOver, round, storedAll } from './synthetic-evidence.js';

describe('shutdown-drains verdict', () => {
  it('passes when every round drained, committed and shut down once', () => {
    expect(shutdownDrainsVerdict(evidence())).toMatchObject({
      property: 'shutdown-drains',
      status: 'passed',
    });
  });

  it('fails a round whose run() never settled', () => {
    expect(
      shutdownDrainsVerdict(
        evidence({ rounds: [round(), round({ round: 2, outcome: undefined })] }),
      ),
    ).toEqual({
      property: 'shutdown-drains',
      status: 'failed',
      detail: 'round 2: run() did not settle after the stop signal',
    });
  });

  it('fails run() resolving with handed-over records unpublished', () => {
    const handOvers = [handOver(0), handOver(1)];
    expect(
      shutdownDrainsVerdict(
        evidence({ handOvers, storedTopics: storedAll([handOver(0)]), rounds: [round()] }),
      ),
    ).toEqual({
      property: 'shutdown-drains',
      status: 'failed',
      detail: 'round 1: run() resolved with 1 handed-over record(s) not published',
      example: 'record #1 for /warehouse/readings, offset readings@1, key "device-1"',
    });
  });

  it('accepts unpublished records when run() rejected (the stop was not graceful)', () => {
    const handOvers = [handOver(0), handOver(1, { committed: false })];
    const rejected = round({ outcome: { status: 'rejected', error: new Error('broker gone') } });
    expect(
      shutdownDrainsVerdict(
        evidence({ handOvers, storedTopics: storedAll([handOver(0)]), rounds: [rejected] }),
      ).status,
    ).toBe('passed');
  });

  it('fails published records left uncommitted after a graceful stop', () => {
    const handOvers = [handOver(0), handOver(1, { committed: false })];
    expect(shutdownDrainsVerdict(evidence({ handOvers, rounds: [round()] }))).toMatchObject({
      status: 'failed',
      detail: 'round 1: after a graceful stop, offsets of published records were not committed',
      example: 'record #1 for /warehouse/readings, offset readings@1, key "device-1"',
    });
  });

  it('does not ask for commits from a connector without commit()', () => {
    const handOvers = [handOver(0, { committed: false })];
    expect(
      shutdownDrainsVerdict(evidence({ handOvers, rounds: [round({ hasCommit: false })] })).status,
    ).toBe('passed');
  });

  it('fails shutdown() called other than once', () => {
    expect(
      shutdownDrainsVerdict(
        evidence({
          rounds: [round()],
          calls: calls(1, 'initialize', 'producerConfigs', 'poll', 'shutdown', 'shutdown'),
        }),
      ).detail,
    ).toBe('round 1: shutdown() called 2 times (expected once)');
    expect(
      shutdownDrainsVerdict(
        evidence({ rounds: [round()], calls: calls(1, 'initialize', 'producerConfigs', 'poll') }),
      ).detail,
    ).toBe('round 1: shutdown() called 0 times (expected once)');
  });
});
