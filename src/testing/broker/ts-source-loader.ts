import { fileURLToPath } from 'node:url';

/**
 * Module hooks (for `module.register`) that let a child process run this package's
 * TypeScript sources directly: `.js` imports between `.ts` files resolve to the `.ts`
 * file, and `.ts` files are transpiled with the `typescript` devDependency (no type check).
 * Used only when the broker runs from `src/` (tests); from `dist/` plain `.js` is forked.
 */
const HOOKS = String.raw`
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
const ts = createRequire(__ANCHOR__)('typescript');
const options = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  inlineSourceMap: true,
};
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && parent.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const candidate = new URL(specifier.slice(0, -3) + '.ts', parent);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const fileName = fileURLToPath(url);
    const source = await readFile(fileName, 'utf8');
    const output = ts.transpileModule(source, { fileName, compilerOptions: options });
    return { format: 'module', source: output.outputText, shortCircuit: true };
  }
  return next(url, context);
}
`;

/**
 * How to fork the module `relative` (no extension) to the module URL `here`: its `.js`
 * when `here` is JavaScript (dist/, or the tests' build), else its `.ts` source through
 * the TypeScript source hooks (`here` running under vitest).
 *
 * @example
 * ```ts
 * const entry = forkableModule('./process-entry', import.meta.url);
 * fork(entry.file, [], { execArgv: entry.execArgv });
 * ```
 */
export function forkableModule(
  relative: string,
  here: string,
): { file: string; execArgv: string[] } {
  if (!here.endsWith('.ts')) {
    return { file: fileURLToPath(new URL(`${relative}.js`, here)), execArgv: [] };
  }
  return {
    file: fileURLToPath(new URL(`${relative}.ts`, here)),
    execArgv: typeScriptSourceExecArgv(here),
  };
}

/**
 * `execArgv` that installs the TypeScript source hooks in a forked child. `anchorUrl` is a
 * module URL inside the package, from which `typescript` is resolved.
 */
function typeScriptSourceExecArgv(anchorUrl: string): string[] {
  const hooks = HOOKS.replace('__ANCHOR__', JSON.stringify(fileURLToPath(anchorUrl)));
  const hooksUrl = `data:text/javascript,${encodeURIComponent(hooks)}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(hooksUrl)});`;
  return ['--import', `data:text/javascript,${encodeURIComponent(register)}`];
}
