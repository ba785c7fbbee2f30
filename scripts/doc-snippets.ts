import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Markdown files whose TypeScript blocks must come from compiled snippet files: the
 * README, every page in docs/ and every example's README.
 */
export const DOCUMENTS = [
  'README.md',
  ...markdownIn('docs'),
  ...markdownIn('examples'),
  ...readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => markdownIn(`examples/${entry.name}`)),
];

function markdownIn(folder: string): string[] {
  return readdirSync(join(ROOT, folder))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `${folder}/${name}`);
}

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
  const lineStart: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStart.push(offset);
    offset += line.length + 1;
  }
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i] ?? '')) continue;
    // The marker line precedes the fence, possibly with a blank line (prettier adds one).
    let m = i - 1;
    while (m >= 0 && (lines[m] ?? '').trim() === '') m--;
    let close = i + 1;
    while (close < lines.length && lines[close] !== '```') close++;
    const start = lineStart[i + 1] ?? text.length;
    const end = lineStart[close] ?? text.length;
    blocks.push({
      document,
      line: i + 1,
      source: m >= 0 ? MARKER.exec(lines[m] ?? '')?.[1] : undefined,
      start,
      end,
      body: text.slice(start, end),
    });
    i = close;
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
