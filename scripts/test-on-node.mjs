// `npm run test:node24` (or `node scripts/test-on-node.mjs <major> [vitest arguments]`): runs
// the suite under another Node.js major. The binary comes from the npm registry's
// `node-<platform>-<arch>` package, installed once into node_modules/.cache/node-<major>
// (a fresh `npm ci` removes it). Child processes of the tests use the same binary: they
// start from process.execPath, and its folder leads PATH for `npm` and friends.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** Prints a line on stderr (the suite's output stays on stdout). */
const say = (line) => process.stderr.write(`${line}\n`);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [major, ...vitestArgs] = process.argv.slice(2);
if (major === undefined || !/^\d+$/.test(major)) {
  say('usage: node scripts/test-on-node.mjs <major> [vitest arguments]');
  process.exit(2);
}

const pkg = `node-${process.platform}-${process.arch}`;
const prefix = path.join(root, 'node_modules', '.cache', `node-${major}`);
const binDir = path.join(prefix, 'node_modules', pkg, 'bin');
const node = path.join(binDir, process.platform === 'win32' ? 'node.exe' : 'node');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (!existsSync(node)) {
  say(`installing ${pkg}@${major} into ${path.relative(root, prefix)}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = run(npm, [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-audit',
    '--no-fund',
    `${pkg}@${major}`,
  ]);
  if (code !== 0 || !existsSync(node)) {
    say(`could not install ${pkg}@${major} (npm exited with ${code})`);
    process.exit(code === 0 ? 1 : code);
  }
}

const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
say(`running the suite on Node ${version} (${path.relative(root, node)})`);
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
process.exit(
  run(node, [vitest, 'run', ...vitestArgs], {
    cwd: root,
    env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
  }),
);
