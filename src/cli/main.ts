#!/usr/bin/env node
/**
 * `danube-connect`: the command-line tool of danube-connect-core (package `bin`).
 *
 * Commands: `run`, `validate-config`, `config-schema`, `dev-broker`, `consume`; each with
 * `--help`. Exit codes: see `exit-codes.ts` (0 ok, 1 failure, 2 usage/set-up error).
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installSignalHandlers } from '../runtime/signals.js';
import { runCli } from './cli.js';
import { DanubeConnectError } from '../errors.js';

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * Runs the CLI in this process: SIGINT/SIGTERM stop long-running commands cleanly (a second
 * signal exits at once: 130 for SIGINT, 143 for SIGTERM, as for `SourceRuntime`). Once the
 * command is done and its output flushed, the process exits with the command's code: timers
 * or sockets a connector or library left behind must not keep a stopped connector's process
 * alive.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const removeSignalHandlers = installSignalHandlers({
    onShutdown: (signal) =>
      controller.abort(new DanubeConnectError('stopping', `received ${signal}`)),
  });
  let code: number;
  try {
    code = await runCli(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      signal: controller.signal,
    });
  } finally {
    removeSignalHandlers();
  }
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

if (isEntryPoint()) await main();
