// `npm run check:package`: checks the package the way the ecosystem does, on the tarball a
// user would get (packed from a clean copy of the working tree, see pack-clean-clone.ts):
// - publint (strict): package.json fields, `exports`, `bin` and `files` against the contents;
// - @arethetypeswrong/cli: every entry point resolves to JavaScript and matching types.
//   Profile `esm-only`: the package is ESM only ("type": "module"), so the legacy `node10`
//   resolution and TypeScript's CommonJS mode of node16 are not targets.
// Exits non-zero when either reports a problem.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, packCleanClone } from './pack-clean-clone.js';

function runTool(name: string, args: readonly string[]): Promise<boolean> {
  const bin = path.join(ROOT, 'node_modules', '.bin', name);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code === 0));
  });
}

const work = await mkdtemp(path.join(tmpdir(), 'danube-check-package-'));
try {
  const packed = await packCleanClone(work);
  console.log(
    `packed ${path.basename(packed.tarball)}: ${packed.files.length} files, ` +
      `${packed.size} bytes (${packed.unpackedSize} unpacked)`,
  );
  const publint = await runTool('publint', ['run', packed.tarball, '--strict']);
  const attw = await runTool('attw', [packed.tarball, '--profile', 'esm-only']);
  if (!publint || !attw) process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
