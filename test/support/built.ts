import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where test/global-setup.ts compiles the sources, fixtures and bench once per run, so
 * that tests starting Node processes run plain JavaScript instead of transpiling
 * TypeScript in every child (Node 20 cannot strip types).
 */

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The compiled tree: the repository's layout with `.js` files, and a package.json. */
export const BUILD_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'test-build');

/** The compiled JavaScript of a repository TypeScript file (`src/cli/main.ts` → absolute `.js` path). */
export function built(file: string): string {
  return path.join(BUILD_DIR, file.replace(/\.ts$/, '.js'));
}
