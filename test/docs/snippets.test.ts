import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  DOCUMENTS,
  ROOT,
  docBlocks,
  snippetFile,
  snippetText,
} from '../../scripts/doc-snippets.js';

const blocks = DOCUMENTS.flatMap((document) =>
  docBlocks(document, readFileSync(join(ROOT, document), 'utf8')),
);

describe('documentation snippets', () => {
  it('every TypeScript block in the docs names the compiled snippet it shows', () => {
    const unmarked = blocks
      .filter((b) => b.source === undefined)
      .map((b) => `${b.document}:${b.line}`);
    expect(unmarked).toEqual([]);
  });

  it.each(blocks.filter((b) => b.source !== undefined).map((b) => [`${b.document}:${b.line}`, b]))(
    '%s matches its snippet file (run npm run docs:snippets after editing)',
    (_where, block) => {
      expect(block.body).toBe(snippetText(block.source ?? ''));
    },
  );

  it('every snippet file type-checks against the package sources', () => {
    const dir = join(ROOT, 'docs/snippets');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f));
    const parsed = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    );
    if (parsed === undefined) throw new Error('tsconfig.json could not be read');
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
    // Only the snippets are checked (the sources they import are `npm run lint`'s job):
    // checking every file the snippets reach cost four times as long.
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...files.flatMap((file) => {
        const source = program.getSourceFile(file);
        if (source === undefined) throw new Error(`${file} is not in the program`);
        return [
          ...program.getSyntacticDiagnostics(source),
          ...program.getSemanticDiagnostics(source),
        ];
      }),
    ].map(
      (d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
    expect(diagnostics).toEqual([]);
    expect(blocks.map((b) => snippetFile(b.source ?? 'x')).length).toBeGreaterThan(0);
  }, 120_000);
});
