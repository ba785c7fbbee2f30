// Packs the package the way a user or a git install gets it: from a copy of the working tree
// without dist/, with npm's lifecycle scripts on, so `prepare` has to build dist/ itself.
// Used by test/package/pack.test.ts and by `npm run check:package`. Packing happens in the
// copy, never in the repository: `prepare` starts by deleting dist/, which the rest of the
// suite (and a developer's other commands) may be using at that moment.
import { execFile } from 'node:child_process';
import { cp, mkdir, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** `npm`, as the platform spells it. */
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const run = promisify(execFile);

/** The tarball `npm pack` wrote, with what `npm pack --json` reported of it. */
export interface PackedTarball {
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths of the files inside, relative to the package root. */
  files: string[];
  /** Compressed size in bytes. */
  size: number;
  /** Sum of the files' sizes in bytes. */
  unpackedSize: number;
}

interface NpmPackJson {
  filename: string;
  files: { path: string }[];
  size: number;
  unpackedSize: number;
}

/** Runs npm quietly (no update notice, no funding lines) and returns its standard output. */
export async function npm(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await run(NPM, [...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  return stdout;
}

/**
 * Copies the files git tracks or would track (modified and new ones included, ignored ones
 * such as dist/ and node_modules/ left out) from the repository to `target`.
 */
async function copyWorkingTree(target: string): Promise<void> {
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const files = [...new Set(stdout.split('\0').filter((file) => file !== ''))];
  await Promise.all(
    files.map(async (file) => {
      const source = path.join(ROOT, file);
      // Deleted in the working tree but still in the index: not part of the working tree.
      const exists = await stat(source).then(
        () => true,
        () => false,
      );
      if (!exists) return;
      await mkdir(path.dirname(path.join(target, file)), { recursive: true });
      await cp(source, path.join(target, file));
    }),
  );
}

/**
 * Copies the working tree to `<work>/clone` and runs `npm pack` there with scripts on, into
 * `work`. The copy reuses the repository's node_modules through a symlink: the build needs
 * the dev dependencies `npm install` would put there, and installing them again would cost
 * a minute and the network without testing anything of ours.
 */
export async function packCleanClone(work: string): Promise<PackedTarball> {
  const clone = path.join(work, 'clone');
  await copyWorkingTree(clone);
  const dist = await stat(path.join(clone, 'dist')).then(
    () => true,
    () => false,
  );
  if (dist) throw new Error(`the copy of the working tree in ${clone} already has dist/`);
  await symlink(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  // --ignore-scripts=false: `npm test --ignore-scripts` must not turn `prepare` off here.
  const output = await npm(
    ['pack', '--json', '--ignore-scripts=false', '--pack-destination', work],
    clone,
  );
  const [packed] = JSON.parse(output) as NpmPackJson[];
  if (packed === undefined) throw new Error(`npm pack in ${clone} printed no result`);
  return {
    tarball: path.join(work, packed.filename),
    files: packed.files.map((file) => file.path),
    size: packed.size,
    unpackedSize: packed.unpackedSize,
  };
}
