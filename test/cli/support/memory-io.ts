import { Writable } from 'node:stream';
import type { CliIo } from '../../../src/cli/io.js';
import { REPO_ROOT } from '../../support/built.js';

/** A Writable keeping what was written, as text. */
export class TextSink extends Writable {
  private chunks: string[] = [];

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    callback();
  }

  get text(): string {
    return this.chunks.join('');
  }
}

/** A {@link CliIo} for running commands in-process, with captured output. */
export function memoryIo(env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const controller = new AbortController();
  const io: CliIo = { stdout, stderr, env, cwd, signal: controller.signal };
  return { io, stdout, stderr, controller };
}
