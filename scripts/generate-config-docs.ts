// Writes docs/configuration.md from the core configuration's zod schema.
// Run with `npm run docs:config`; test/config/reference.test.ts fails when the file is stale.
import { writeFile } from 'node:fs/promises';
import {
  CONFIG_DOCS_DISPLAY,
  CONFIG_DOCS_PATH,
  formattedConfigurationReference,
} from './config-docs.js';

await writeFile(CONFIG_DOCS_PATH, await formattedConfigurationReference());
console.log(`wrote ${CONFIG_DOCS_DISPLAY}`);
