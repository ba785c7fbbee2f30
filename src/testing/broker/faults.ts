import type { status as GrpcStatus } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { statusName } from './status.js';
import type { BrokerFaults, BrokerMethod } from './types.js';

/** How long held responses wait for more before being released anyway. */
const REORDER_QUIET_MS = 25;

interface FailurePlan {
  remaining: number;
  code: GrpcStatus;
  message: string;
}

/** An injected failure to answer instead of running the handler. */
export interface InjectedFailure {
  code: GrpcStatus;
  message: string;
}

/**
 * Holds SendMessage responses and releases them in reverse order once `groupSize` are
 * waiting or nothing new arrived for a short quiet period.
 */
class ResponseReorderer {
  private held: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  groupSize = 0;

  get active(): boolean {
    return this.groupSize > 1;
  }

  hold(release: () => void): void {
    this.held.push(release);
    if (this.held.length >= this.groupSize) {
      this.flush();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), REORDER_QUIET_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.held.reverse();
    this.held = [];
    releaseInTurn(batch);
  }
}

/**
 * Releases one response per turn of the event loop: released in one go, http2 puts them on
 * the wire in stream order (Node 24 does), which would undo the reordering.
 */
function releaseInTurn(batch: Array<() => void>): void {
  const release = batch.shift();
  if (release === undefined) return;
  release();
  if (batch.length > 0) setImmediate(() => releaseInTurn(batch));
}

/** The fault plan of a broker: what to break next. Implements {@link BrokerFaults}. */
export class FaultPlan implements BrokerFaults {
  private readonly failures = new Map<BrokerMethod, FailurePlan[]>();
  private storeThenFail: { remaining: number; code: GrpcStatus } | undefined;
  private readonly latencies = new Map<BrokerMethod | '*', number>();
  private readonly reorderer = new ResponseReorderer();

  constructor(private readonly forgetProducer: (nameOrId: string) => void) {}

  failNext(method: BrokerMethod, count: number, code: GrpcStatus, message?: string): void {
    if (count <= 0) return;
    const plans = this.failures.get(method) ?? [];
    plans.push({
      remaining: count,
      code,
      message: message ?? `injected fault: ${statusName(code)} on ${method}`,
    });
    this.failures.set(method, plans);
  }

  storeThenFailResponse(count: number, code: GrpcStatus = status.UNAVAILABLE): void {
    this.storeThenFail = count > 0 ? { remaining: count, code } : undefined;
  }

  reorderResponses(groupSize: number): void {
    this.reorderer.groupSize = groupSize;
    if (!this.reorderer.active) this.reorderer.flush();
  }

  latency(ms: number, method?: BrokerMethod): void {
    const key = method ?? '*';
    if (ms > 0) this.latencies.set(key, ms);
    else this.latencies.delete(key);
  }

  dropProducer(nameOrId: string): void {
    this.forgetProducer(nameOrId);
  }

  clear(): void {
    this.failures.clear();
    this.storeThenFail = undefined;
    this.latencies.clear();
    this.reorderResponses(0);
  }

  /** Consumes one planned failure of `method`, if any. */
  takeFailure(method: BrokerMethod): InjectedFailure | undefined {
    const plans = this.failures.get(method);
    const plan = plans?.[0];
    if (!plans || !plan) return undefined;
    plan.remaining--;
    if (plan.remaining <= 0) plans.shift();
    return { code: plan.code, message: plan.message };
  }

  /** Consumes one store-then-fail, returning the code to answer. */
  takeStoreThenFail(): GrpcStatus | undefined {
    const plan = this.storeThenFail;
    if (!plan) return undefined;
    plan.remaining--;
    if (plan.remaining <= 0) this.storeThenFail = undefined;
    return plan.code;
  }

  /** Delay to add before handling `method` (ms). */
  latencyFor(method: BrokerMethod): number {
    return this.latencies.get(method) ?? this.latencies.get('*') ?? 0;
  }

  /** Releases a SendMessage response now, or holds it for reordering. */
  releaseSendResponse(release: () => void): void {
    if (this.reorderer.active) this.reorderer.hold(release);
    else release();
  }
}
