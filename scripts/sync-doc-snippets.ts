// Rewrites every marked `ts` block of the docs from its snippet file, so documentation
// examples are edited as compiled code in docs/snippets/ (`npm run docs:snippets`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENTS, ROOT, docBlocks, snippetText } from './doc-snippets.js';

for (const document of DOCUMENTS) {
  const path = join(ROOT, document);
  let text = readFileSync(path, 'utf8');
  for (const block of docBlocks(document, text).reverse()) {
    if (block.source === undefined) continue;
    text = text.slice(0, block.start) + snippetText(block.source) + text.slice(block.end);
  }
  writeFileSync(path, text);
}
