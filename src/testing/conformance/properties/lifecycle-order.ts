import type { PropertyResult } from '../errors.js';
import type { CallEvent, Evidence, LifecycleCall, RoundEvidence } from '../evidence.js';

/**
 * **lifecycle-order**: `initialize` → `producerConfigs` → `poll` / `startStreaming` →
 * `shutdown`, once each where once is due, never overlapping calls of one kind, nothing
 * after `shutdown`, and `run()` did not reject.
 */
export function lifecycleOrderVerdict(evidence: Evidence): PropertyResult {
  for (const round of evidence.rounds) {
    const problem = lifecycleProblem(
      evidence.calls.filter((c) => c.round === round.round),
      round,
    );
    if (problem !== undefined) {
      return {
        property: 'lifecycle-order',
        status: 'failed',
        detail: `round ${round.round}: ${problem.detail}`,
        example: problem.example,
      };
    }
  }
  const outcome = evidence.rounds.find((r) => r.outcome?.status === 'rejected')?.outcome;
  if (outcome !== undefined && outcome.status === 'rejected') {
    return {
      property: 'lifecycle-order',
      status: 'failed',
      detail: `run() rejected: ${outcome.error.message}`,
    };
  }
  const intake = evidence.rounds[0]?.mode === 'streaming' ? 'startStreaming' : 'poll';
  return {
    property: 'lifecycle-order',
    status: 'passed',
    detail: `initialize → producerConfigs → ${intake} → shutdown in ${evidence.rounds.length} round(s)`,
  };
}

/** The first lifecycle-order problem of one round, if any. */
function lifecycleProblem(
  calls: readonly CallEvent[],
  round: RoundEvidence,
): { detail: string; example: string } | undefined {
  const trace = (upTo: number): string =>
    calls
      .slice(Math.max(0, upTo - 6), upTo + 1)
      .map((c) => `${c.call}:${c.phase}`)
      .join(' → ');
  const open = new Map<LifecycleCall, number>();
  const ended = new Set<LifecycleCall>();
  let shutdownStarted = false;
  let intakeStarted = false;
  const intake: LifecycleCall = round.mode === 'streaming' ? 'startStreaming' : 'poll';
  const wrongIntake: LifecycleCall = round.mode === 'streaming' ? 'poll' : 'startStreaming';
  for (const [i, event] of calls.entries()) {
    const fail = (detail: string): { detail: string; example: string } => ({
      detail,
      example: trace(i),
    });
    if (event.phase === 'end') {
      open.set(event.call, (open.get(event.call) ?? 1) - 1);
      ended.add(event.call);
      continue;
    }
    if (i === 0 && event.call !== 'initialize')
      return fail(`${event.call}() was called before initialize()`);
    if (shutdownStarted) return fail(`${event.call}() was called after shutdown()`);
    const running = open.get(event.call) ?? 0;
    switch (event.call) {
      case 'initialize':
        if (i !== 0) return fail('initialize() was called more than once');
        break;
      case 'producerConfigs':
        if (!ended.has('initialize'))
          return fail('producerConfigs() was called before initialize() finished');
        break;
      case 'poll':
      case 'startStreaming':
        if (event.call === wrongIntake)
          return fail(`${event.call}() was called although mode() is '${round.mode}'`);
        if (!ended.has('producerConfigs'))
          return fail(`${event.call}() was called before producerConfigs() finished`);
        if (running > 0)
          return fail(`${event.call}() was called while the previous call had not finished`);
        intakeStarted = true;
        break;
      case 'commit':
        if (!intakeStarted) return fail(`commit() was called before ${intake}()`);
        if (running > 0)
          return fail('commit() was called while the previous commit had not finished');
        break;
      case 'healthCheck':
        if (!ended.has('initialize'))
          return fail('healthCheck() was called before initialize() finished');
        if (running > 0)
          return fail('healthCheck() was called while the previous check had not finished');
        break;
      case 'shutdown':
        shutdownStarted = true;
        break;
    }
    open.set(event.call, running + 1);
  }
  if (calls.length === 0)
    return { detail: 'the runtime called no connector method', example: '(none)' };
  return undefined;
}
