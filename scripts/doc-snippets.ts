import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Markdown files whose TypeScript blocks must come from compiled snippet files. */
export const DOCUMENTS = [
  'README.md',
  'docs/guide.md',
  'docs/schemas.md',
  'docs/operations.md',
  'docs/testing.md',
  'docs/cli.md',
];

/** A `ts` code block of a Markdown file and the snippet it claims to show. */
export interface DocBlock {
  document: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** `docs/snippets/x.ts` or `docs/snippets/x.ts#region`; undefined when unmarked. */
  source: string | undefined;
  /** Character range of the block's body in the document. */
  start: number;
  end: number;
  body: string;
}

const MARKER = /<!-- snippet: (\S+) -->\s*$/;
const FENCE = /^```(ts|typescript)\s*$/;

/** Every `ts` fenced block of a Markdown text, with its `<!-- snippet: … -->` marker if any. */
export function docBlocks(document: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      const previous = i > 0 ? (lines[i - 1] ?? '') : '';
      const bodyStart = offset + line.length + 1;
      let j = i + 1;
      let bodyEnd = bodyStart;
      while (j < lines.length && lines[j] !== '```') {
        bodyEnd += (lines[j] ?? '').length + 1;
        j++;
      }
      blocks.push({
        document,
        line: i + 1,
        source: MARKER.exec(previous)?.[1],
        start: bodyStart,
        end: bodyEnd,
        body: text.slice(bodyStart, bodyEnd),
      });
      for (; i < j; i++) offset += (lines[i] ?? '').length + 1;
    }
    offset += line.length + 1;
  }
  return blocks;
}

/**
 * The text a snippet reference stands for: the whole file, or the lines between
 * `// #region name` and `// #endregion` (indentation of the region removed).
 */
export function snippetText(source: string): string {
  const [file, region] = source.split('#') as [string, string | undefined];
  const text = readFileSync(join(ROOT, file), 'utf8');
  if (region === undefined) return text;
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => l.trim() === `// #region ${region}`);
  if (begin < 0) throw new Error(`${file}: no "// #region ${region}"`);
  const end = lines.findIndex((l, i) => i > begin && l.trim() === '// #endregion');
  if (end < 0) throw new Error(`${file}: region "${region}" has no "// #endregion"`);
  const body = lines.slice(begin + 1, end);
  const indent = Math.min(
    ...body.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  );
  return body.map((l) => l.slice(indent)).join('\n') + '\n';
}

/** Path of a snippet source file relative to the root, for messages. */
export function snippetFile(source: string): string {
  return relative(ROOT, join(ROOT, source.split('#')[0] ?? source));
}
