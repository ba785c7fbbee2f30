import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Inside the repository, so the transpiled files resolve packages from its node_modules. */
const CACHE = path.join(REPO, 'node_modules', '.cache', 'transpiled-fixtures');
const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)\.js['"]/g;

/**
 * Transpiles a TypeScript entry file and every module it imports by relative path into
 * plain JavaScript (types stripped, nothing checked: `tsc` does that), and returns the
 * entry's JavaScript path. Child processes then start in tens of milliseconds instead of
 * seconds through a TypeScript loader, so tests can kill and restart them many times.
 */
export async function transpiled(entry: string): Promise<string> {
  const sources = new Map<string, string>();
  const pending = [path.resolve(entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (sources.has(file)) continue;
    const text = await readFile(file, 'utf8');
    sources.set(file, text);
    for (const match of text.matchAll(RELATIVE_IMPORT)) {
      pending.push(path.resolve(path.dirname(file), `${match[1] ?? ''}.ts`));
    }
  }
  const hash = createHash('sha256');
  for (const [file, text] of [...sources].sort(([a], [b]) => a.localeCompare(b)))
    hash.update(file).update('\0').update(text).update('\0');
  const outDir = path.join(CACHE, hash.digest('hex').slice(0, 16));
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  // The client reads its .proto files relative to its own location.
  await symlink(path.join(REPO, 'proto'), path.join(outDir, 'proto')).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  });
  for (const [file, text] of sources) {
    const out = path.join(outDir, path.relative(REPO, file)).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        useDefineForClassFields: true,
      },
    });
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  return path.join(outDir, path.relative(REPO, path.resolve(entry))).replace(/\.ts$/, '.js');
}
