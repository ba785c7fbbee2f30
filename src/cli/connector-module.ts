import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isConnectorModule, type ConnectorModule } from '../connector/define-connector.js';
import { DanubeConnectError, errorMessage } from '../errors.js';

/**
 * Imports a connector module given on the command line and returns its default export,
 * checked to come from `defineConnector`.
 *
 * `specifier` is a file path (relative to `cwd`) or, when no such file exists, a package
 * name resolved by Node from the CLI's location. TypeScript sources need a loader
 * (`node --import tsx danube-connect …`); compiled `.js` modules work as is. A module that
 * cannot be imported or has the wrong default export is an error of kind `config`.
 */
export async function loadConnectorModule(
  specifier: string,
  cwd: string,
): Promise<ConnectorModule> {
  const file = path.resolve(cwd, specifier);
  const target = existsSync(file) ? pathToFileURL(file).href : specifier;
  let imported: unknown;
  try {
    imported = await import(target);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' (a TypeScript module needs a loader, e.g. `node --import tsx`, or build it to .js first)'
        : code === 'ERR_MODULE_NOT_FOUND' && !existsSync(file)
          ? ` (no file ${file} and no package of that name)`
          : '';
    throw new DanubeConnectError(
      'config',
      `cannot load connector module "${specifier}": ${errorMessage(error)}${hint}`,
      { cause: error, file: specifier },
    );
  }
  const exported = (imported as { default?: unknown }).default;
  if (!isConnectorModule(exported)) {
    throw new DanubeConnectError(
      'config',
      `connector module "${specifier}" must default-export defineConnector({ settings, create })`,
      { file: specifier },
    );
  }
  return exported;
}
