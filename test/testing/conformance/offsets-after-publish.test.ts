import { describe, expect, it } from 'vitest';
import { offsetsAfterPublishVerdict } from '../../../src/testing/conformance/properties/offsets-after-publish.js';
import { commit, evidence, handOver, round } from './synthetic-evidence.js';

describe('offsets-after-publish verdict', () => {
  it('passes when no commit had a problem, counting them', () => {
    expect(offsetsAfterPublishVerdict(evidence())).toEqual({
      property: 'offsets-after-publish',
      status: 'passed',
      detail: '2 commit(s), each covering only published records, contiguous in hand-over order',
    });
  });

  it('fails on the first commit that had a problem, showing the call', () => {
    const problem = 'commit(readings@1) while record #0 … was not published yet';
    expect(
      offsetsAfterPublishVerdict(
        evidence({ commits: [commit(1, [0]), commit(2, [1, 3], [problem])] }),
      ),
    ).toEqual({
      property: 'offsets-after-publish',
      status: 'failed',
      detail: `round 2: ${problem}`,
      example: 'commit([readings@1, readings@3])',
    });
  });

  it('is skipped for a connector without commit()', () => {
    expect(
      offsetsAfterPublishVerdict(
        evidence({ rounds: [round({ hasCommit: false }), round({ round: 2, hasCommit: false })] }),
      ),
    ).toMatchObject({ status: 'skipped', detail: 'the connector has no commit()' });
  });

  it('is skipped when no record carried an offset', () => {
    expect(
      offsetsAfterPublishVerdict(
        evidence({ handOvers: [handOver(0, { offset: undefined })], commits: [] }),
      ),
    ).toMatchObject({ status: 'skipped', detail: 'no record carried an offset' });
  });
});
