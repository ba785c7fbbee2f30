import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { renderConfigurationReference } from '../src/config/reference.js';

/** Where the generated configuration reference is committed. */
export const CONFIG_DOCS_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** The configuration reference exactly as it should be committed (prettier-formatted). */
export async function formattedConfigurationReference(): Promise<string> {
  const options = (await resolveConfig(CONFIG_DOCS_PATH)) ?? {};
  return format(renderConfigurationReference(), { ...options, filepath: CONFIG_DOCS_PATH });
}

/** Path of the reference relative to the repository root, for messages. */
export const CONFIG_DOCS_DISPLAY = path.join('docs', 'configuration.md');
