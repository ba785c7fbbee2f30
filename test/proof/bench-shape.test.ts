import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BenchReportSchema } from '../../bench/report.js';
import { awaitEvent } from '../support/await-event.js';
import { built, REPO_ROOT } from '../support/built.js';

/** The whole quick bench, run once per suite (CI runs no second one). */
function runQuickBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stderr = '';
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [built('bench/run.ts'), '--quick'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    },
  );
  return awaitEvent(
    exited,
    () => `the quick bench to finish; its progress so far:\n${stderr}`,
    240_000,
  );
}

describe('npm run bench -- --quick', () => {
  it('prints one JSON report with every figure and ratio (shape only, numbers are not asserted)', async () => {
    const { code, stdout, stderr } = await runQuickBench();
    expect(code, stderr).toBe(0);
    const report = BenchReportSchema.parse(JSON.parse(stdout));
    expect(report.quick).toBe(true);
    expect(Object.keys(report.ratios)).toEqual(
      expect.arrayContaining(['windowed_vs_raw', 'ordered_8p_vs_send_and_wait']),
    );
    expect(report.slow_broker.within_bound).toBe(true);
  }, 300_000);
});
