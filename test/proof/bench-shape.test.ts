import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BenchReportSchema } from '../../bench/report.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function runQuickBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register-ts.mjs', 'bench/run.ts', '--quick'],
      {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
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
