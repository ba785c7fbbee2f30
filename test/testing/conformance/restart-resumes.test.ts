import { describe, expect, it } from 'vitest';
import { restartResumesVerdict } from '../../../src/testing/conformance/properties/restart-resumes.js';
import { evidence, handOver, round, storedAll } from './synthetic-evidence.js';

describe('restart-resumes verdict', () => {
  it('passes when the fresh instance delivered the new records only', () => {
    expect(restartResumesVerdict(evidence())).toEqual({
      property: 'restart-resumes',
      status: 'passed',
      detail: 'a fresh instance delivered 2 record(s) and re-read none already committed',
    });
  });

  it('says so when the records were emitted while the connector was stopped', () => {
    expect(restartResumesVerdict(evidence({ emitWhileStopped: true })).detail).toBe(
      'a fresh instance delivered 2 record(s) emitted while it was stopped and re-read none already committed',
    );
  });

  it('is skipped without a second round', () => {
    expect(restartResumesVerdict(evidence({ rounds: [round()] }))).toEqual({
      property: 'restart-resumes',
      status: 'skipped',
      detail: 'not reached',
    });
  });

  it('fails a record committed before the restart handed over again', () => {
    const handOvers = [
      handOver(0),
      handOver(1),
      handOver(4, { round: 2, fingerprint: 'fp-1', ordinal: 2 }),
    ];
    expect(restartResumesVerdict(evidence({ handOvers }))).toEqual({
      property: 'restart-resumes',
      status: 'failed',
      detail:
        'after the restart the connector handed over a record already committed before it (it did not resume from its committed offset)',
      example: 'record #4 for /warehouse/readings, offset readings@4, key "device-4"',
    });
  });

  it('allows re-reading records that were handed over but never committed', () => {
    const handOvers = [
      handOver(0),
      handOver(1, { committed: false }),
      handOver(2, { round: 2, fingerprint: 'fp-1', ordinal: 2 }),
      handOver(3, { round: 2 }),
    ];
    const storedTopics = storedAll(handOvers);
    storedTopics.set('fp-1', ['/warehouse/readings', '/warehouse/readings']);
    expect(restartResumesVerdict(evidence({ handOvers, storedTopics })).status).toBe('passed');
  });

  it('fails when fewer new records arrived than were emitted', () => {
    const handOvers = [handOver(0), handOver(1), handOver(2, { round: 2 })];
    expect(restartResumesVerdict(evidence({ handOvers }))).toEqual({
      property: 'restart-resumes',
      status: 'failed',
      detail: 'after the restart 1 of 2 new record(s) arrived',
    });
  });

  it('fails a new record the broker did not store, with an explanation', () => {
    const handOvers = [
      handOver(0),
      handOver(1),
      handOver(2, { round: 2 }),
      handOver(3, { round: 2 }),
    ];
    const result = restartResumesVerdict(
      evidence({ handOvers, storedTopics: storedAll(handOvers.slice(0, 3)) }),
    );
    expect(result.detail).toBe('after the restart 1 of 2 new record(s) arrived');
    expect(result.example).toBe(
      'record #3 for /warehouse/readings, offset readings@3, key "device-3" with payload "{\\"n\\":3}" was not stored (0 message(s) on /warehouse/readings)',
    );
  });
});
