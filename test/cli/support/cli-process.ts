import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { awaitEvent } from '../../support/await-event.js';
import { built, REPO_ROOT } from '../../support/built.js';

interface LineWaiter {
  pattern: RegExp;
  resolve: (match: RegExpMatchArray) => void;
}

/** Lines of one output stream, with waiting for a line that matches. */
class LineLog {
  readonly lines: string[] = [];
  private waiters: LineWaiter[] = [];

  push(line: string): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      const match = waiter.pattern.exec(line);
      if (match !== null) waiter.resolve(match);
      return match === null;
    });
  }

  next(pattern: RegExp, fromIndex = 0): Promise<RegExpMatchArray> | RegExpMatchArray {
    for (const line of this.lines.slice(fromIndex)) {
      const match = pattern.exec(line);
      if (match !== null) return match;
    }
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }
}

/**
 * `danube-connect` running in a child process from the test build
 * (`node <build>/src/cli/main.js …`, cwd the repository root).
 */
export class CliProcess {
  readonly child: ChildProcess;
  readonly stdout = new LineLog();
  readonly stderr = new LineLog();
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [built('src/cli/main.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { stdout, stderr } = this.child;
    if (stdout === null || stderr === null) throw new Error('no stdio pipes');
    const outDone = once(
      createInterface({ input: stdout }).on('line', (l) => this.stdout.push(l)),
      'close',
    );
    const errDone = once(
      createInterface({ input: stderr }).on('line', (l) => this.stderr.push(l)),
      'close',
    );
    const child = this.child;
    this.exited = (async () => {
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      await Promise.all([outDone, errDone]);
      return code ?? signal ?? 'unknown';
    })();
  }

  /** Waits for a stdout line matching `pattern` (already printed ones count). */
  async waitForStdout(pattern: RegExp): Promise<RegExpMatchArray> {
    return awaitEvent(
      this.raceExit(this.stdout.next(pattern), pattern),
      () => `a stdout line matching ${pattern}; output so far:\n${this.output()}`,
    );
  }

  /** Waits for a stderr line matching `pattern` (already printed ones count). */
  async waitForStderr(pattern: RegExp): Promise<RegExpMatchArray> {
    return awaitEvent(
      this.raceExit(this.stderr.next(pattern), pattern),
      () => `a stderr line matching ${pattern}; output so far:\n${this.output()}`,
    );
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | string> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return awaitEvent(this.exited, `the process to exit after ${signal}`);
  }

  /** Everything printed so far, for failure messages. */
  output(): string {
    return [...this.stdout.lines, '--- stderr ---', ...this.stderr.lines].join('\n');
  }

  private async raceExit(
    waiting: Promise<RegExpMatchArray> | RegExpMatchArray,
    pattern: RegExp,
  ): Promise<RegExpMatchArray> {
    const exited = this.exited.then((code) => {
      throw new Error(`process exited (${code}) before printing ${pattern}:\n${this.output()}`);
    });
    exited.catch(() => undefined); // the race below reports it; later it is moot
    return Promise.race([waiting, exited]);
  }
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function runCliProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | string; stdout: string[]; stderr: string[] }> {
  const cli = new CliProcess(args, env);
  const code = await awaitEvent(cli.exited, `danube-connect ${args.join(' ')} to exit`);
  return { code, stdout: cli.stdout.lines, stderr: cli.stderr.lines };
}
