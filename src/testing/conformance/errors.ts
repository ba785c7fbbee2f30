import { DanubeConnectError } from '../../errors.js';

/** The properties the conformance kit checks, in the order it reports them. */
export const CONFORMANCE_PROPERTIES = [
  'lifecycle-order',
  'producer-configs',
  'records-arrive',
  'offsets-after-publish',
  'shutdown-drains',
  'restart-resumes',
  'health-checks',
] as const;

/** One property of a connector the kit checks. */
export type ConformanceProperty = (typeof CONFORMANCE_PROPERTIES)[number];

/** The verdict on one property. */
export interface PropertyResult {
  property: ConformanceProperty;
  status: 'passed' | 'failed' | 'skipped';
  /** What was checked, or why it failed / was skipped. */
  detail: string;
  /** A minimal example of the failure (the first offending record, call or commit). */
  example?: string;
}

/** What one run of the connector (start → emit → shutdown) did. */
export interface RoundReport {
  round: number;
  /** Records asked from the external system through `emit`. */
  emitted: number;
  /** Records the connector handed over (poll results or `send`). */
  handedOver: number;
  /** Of those, stored by the broker with their key and attributes. */
  stored: number;
  /** `commit` calls and the last offset committed per offset partition. */
  commits: number;
  lastCommitted: Record<string, string>;
  /** How `run()` ended. */
  outcome: 'resolved' | `rejected: ${string}`;
}

/** The result of {@link checkConnectorConformance}. */
export interface ConformanceReport {
  connector: string;
  mode: 'polling' | 'streaming' | 'unknown';
  /** Topics from `producerConfigs()`. */
  topics: string[];
  rounds: RoundReport[];
  properties: PropertyResult[];
  durationMs: number;
}

/**
 * Thrown by {@link checkConnectorConformance} when a property does not hold (kind `fatal`:
 * the connector has a defect). The message lists every broken property with a minimal
 * example; `report` has the full picture.
 */
export class ConformanceError extends DanubeConnectError {
  override readonly name: string = 'ConformanceError';
  /** The whole report: every property, every round. */
  readonly report: ConformanceReport;
  /** The failed properties. */
  readonly violations: PropertyResult[];

  /** @param report - the run's report, with at least one failed property */
  constructor(report: ConformanceReport) {
    const violations = report.properties.filter((p) => p.status === 'failed');
    super(
      'fatal',
      [
        `${report.connector} is not conformant: ${violations.length} propert${violations.length === 1 ? 'y' : 'ies'} broken`,
        ...violations.map(
          (v) =>
            `  ✗ ${v.property}: ${v.detail}${v.example === undefined ? '' : `\n      e.g. ${v.example}`}`,
        ),
      ].join('\n'),
    );
    this.report = report;
    this.violations = violations;
  }
}

/** The report as a short text table (one line per property), for logs. */
export function formatConformanceReport(report: ConformanceReport): string {
  const mark = { passed: '✓', failed: '✗', skipped: '–' } as const;
  return [
    `${report.connector} (${report.mode}, topics ${report.topics.join(', ') || 'none'}): ${report.rounds.length} round(s) in ${report.durationMs} ms`,
    ...report.properties.map((p) => `  ${mark[p.status]} ${p.property}: ${p.detail}`),
  ].join('\n');
}
