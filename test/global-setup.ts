import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { BUILD_DIR, REPO_ROOT } from './support/built.js';

/** What child processes of the tests load: compiled to BUILD_DIR. */
const COMPILED = ['src', 'test/fixtures', 'bench'];
/** Files a changed one of which makes the compiled tree stale. */
const WATCHED = [...COMPILED, 'test/support', 'tsconfig.json', 'package.json', 'proto'];
/** Copied as they are (plain JavaScript the bench spawns). */
const COPIED = ['bench/cold-start-child.mjs'];
const STAMP = '.stamp';

/**
 * vitest global setup: compiles the sources, test fixtures and bench to JavaScript once per
 * run (transpile only: `npm run lint` type-checks), unless nothing changed since the last
 * run. Process tests spawn the result (see test/support/built.ts).
 */
export function setup(): void {
  const stamp = signature();
  if (readStamp() === stamp) return;
  const staging = `${BUILD_DIR}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  compile(staging);
  writePackage(staging);
  writeFileSync(path.join(staging, STAMP), stamp);
  rmSync(BUILD_DIR, { recursive: true, force: true });
  renameSync(staging, BUILD_DIR);
}

function compile(outDir: string): void {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(REPO_ROOT, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (parsed === undefined) throw new Error('test build: tsconfig.json could not be read');
  const roots = COMPILED.flatMap((dir) => files(dir)).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'),
  );
  const program = ts.createProgram(
    roots.map((f) => path.join(REPO_ROOT, f)),
    {
      ...parsed.options,
      rootDir: REPO_ROOT,
      outDir,
      noCheck: true,
      noEmit: false,
      declaration: false,
      sourceMap: false,
    },
  );
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.emit().diagnostics].map(
    (d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
  if (diagnostics.length > 0) {
    throw new Error(
      `test build: compiling ${COMPILED.join(', ')} failed:\n${diagnostics.join('\n')}`,
    );
  }
  for (const file of COPIED) copyFileSync(path.join(REPO_ROOT, file), path.join(outDir, file));
}

/**
 * The compiled tree is its own `danube-connect-core` package: the package name resolves
 * to the compiled sources (as `exports` does to dist/), `proto/` is the repository's, and
 * `dist/` is the compiled `src/` for the bench's "built package" cold start.
 */
function writePackage(outDir: string): void {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const exports = {
    '.': './src/index.js',
    './client': './src/client/index.js',
    './testing': './src/testing/index.js',
    './package.json': './package.json',
  };
  writeFileSync(
    path.join(outDir, 'package.json'),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', exports }, null, 2)}\n`,
  );
  symlinkSync(path.join(REPO_ROOT, 'proto'), path.join(outDir, 'proto'), 'dir');
  symlinkSync('src', path.join(outDir, 'dist'), 'dir');
}

/** Every watched file with its size and modification time, hashed. */
function signature(): string {
  const hash = createHash('sha1');
  for (const file of WATCHED.flatMap((entry) => files(entry)).sort()) {
    const stat = statSync(path.join(REPO_ROOT, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function readStamp(): string | undefined {
  const file = path.join(BUILD_DIR, STAMP);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Repository-relative paths of the files under `entry` (or `entry` itself). */
function files(entry: string): string[] {
  const full = path.join(REPO_ROOT, entry);
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(REPO_ROOT, path.join(d.parentPath, d.name)));
}
