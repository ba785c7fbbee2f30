import { z } from 'zod';
import { ConfigError, formatProblem, loadConfig } from '../../config/index.js';
import { usageError, flag, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadConnectorModule } from '../connector-module.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';

const HELP = `Usage: danube-connect validate-config <file> [--module <module>] [--strict]

Loads and checks a connector configuration file the way \`run\` does (environment overrides
such as DANUBE_SERVICE_URL, DANUBE_TOKEN and declared secrets included) and prints every
problem with its key path, e.g. \`connector.toml: schemas[1].version_strategy: …\`.
Without --module only the core keys are checked; the connector's own root keys are
left alone.

Options:
  --module, -m <module>  connector module (default export from defineConnector): its
                         settings schema checks the connector's keys too
  --strict               unknown keys and other warnings are errors
  --help, -h             show this help

Example:
  danube-connect validate-config connector.toml --module ./dist/connector.js --strict

Exit codes:
  0  the file is valid (warnings, if any, printed on stderr)
  1  the file has problems or cannot be read (each problem printed on stderr)
  2  usage error, or the module cannot be loaded`;

/** `danube-connect validate-config`: checks a configuration file, exit 0 or 1. */
export const validateConfigCommand: Command = {
  name: 'validate-config',
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs(
      argv,
      { module: { type: 'string', short: 'm' }, strict: { type: 'boolean' } },
      1,
    );
    const file = args.positionals[0];
    if (file === undefined) {
      throw usageError('missing the configuration <file>');
    }
    const specifier = stringOption(args, 'module');
    // Without a module, the connector's root keys are accepted unchecked (not "unknown").
    const settings =
      specifier === undefined
        ? z.looseObject({})
        : (await loadConnectorModule(specifier, io.cwd)).settings;
    const warnings: string[] = [];
    try {
      const config = await loadConfig(settings, {
        path: file,
        env: io.env,
        strict: flag(args, 'strict'),
        warn: (message) => warnings.push(message),
      });
      for (const warning of warnings) println(io.stderr, `warning: ${warning}`);
      const schemas = config.core.schemas.length;
      println(
        io.stdout,
        `${file}: valid (connector "${config.core.connector_name}", ${schemas} schema mapping${schemas === 1 ? '' : 's'}${specifier === undefined ? ', connector keys not checked: pass --module' : ''})`,
      );
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const warning of warnings) println(io.stderr, `warning: ${warning}`);
      for (const problem of error.problems) {
        println(io.stderr, `error: ${formatProblem(error.file, problem)}`);
      }
      println(
        io.stderr,
        `${error.file || file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`,
      );
      return EXIT.FAILURE;
    }
  },
};
