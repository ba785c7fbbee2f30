import type { SettingsSchema } from '../../config/parse.js';
import { driveConformanceRounds } from './driver.js';
import { ConformanceError, type ConformanceReport } from './errors.js';
import type { ConformanceOptions } from './options.js';
import { conformanceReport } from './report.js';

/**
 * Checks a source connector against the embedded broker and throws a
 * {@link ConformanceError} naming each broken property with a minimal example. Works
 * from any test runner (it throws; it does not import one).
 *
 * It starts its own embedded broker (creating the namespaces of the configured and
 * declared topics), runs the connector twice through the real `SourceRuntime`, and
 * checks:
 * - **lifecycle-order**: `initialize` → `producerConfigs` → `poll` / `startStreaming` →
 *   `shutdown`, once each where once is due, never overlapping polls, nothing after `shutdown`;
 * - **producer-configs**: valid topic names (`/namespace/name`), partitions ≥ 0, the
 *   expected topics declared, every record for a declared topic;
 * - **records-arrive**: every record handed over is stored by the broker with its key
 *   (on the partition its key routes to) and attributes;
 * - **offsets-after-publish**: each `commit` covers only published records, contiguous in
 *   hand-over order, never backwards;
 * - **shutdown-drains**: after a graceful stop everything handed over is published and
 *   its offset committed, and `shutdown()` was called once, last;
 * - **restart-resumes**: a fresh instance with the same config delivers the next records
 *   and does not re-read records already committed;
 * - **health-checks**: the runtime calls `healthCheck()` (interval forced to 50 ms), and
 *   with `health` hooks marks the connector unhealthy and healthy again.
 *
 * @example
 * ```ts
 * import { checkConnectorConformance } from 'danube-connect-core/testing';
 * import connector from '../src/connector.js';
 *
 * it('is a conformant Danube source', async () => {
 *   const report = await checkConnectorConformance({
 *     module: connector,
 *     config: await readFile('connector.toml', 'utf8'),
 *     configDir: process.cwd(),
 *     emit: async (n, { emittedBefore }) => {
 *       for (let i = 0; i < n; i++) await db.query('insert into events(id) values ($1)', [emittedBefore + i]);
 *     },
 *     emitWhileStopped: true,          // rows inserted while the connector is down are picked up
 *     expectedTopics: ['/data/events'],
 *   });
 *   console.log(formatConformanceReport(report));
 * });
 * ```
 */
export async function checkConnectorConformance<S extends SettingsSchema>(
  options: ConformanceOptions<S>,
): Promise<ConformanceReport> {
  const startedAt = performance.now();
  const evidence = await driveConformanceRounds(options);
  const report = conformanceReport(
    evidence,
    options.skip ?? [],
    Math.round(performance.now() - startedAt),
  );
  if (report.properties.some((p) => p.status === 'failed')) throw new ConformanceError(report);
  return report;
}
