import { connectorConfigJsonSchema, coreConfigJsonSchema } from '../../config/json-schema.js';
import { parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadConnectorModule } from '../connector-module.js';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.js';
import { println } from '../io.js';

const HELP = `Usage: danube-connect config-schema [--module <module>]

Prints the JSON Schema (draft 2020-12) of the configuration file: the core keys
(danube_service_url, connector_name, [processing], [retry], [[schemas]], [danube]), plus the
connector's own keys when its module is given. Point your editor's TOML support at it,
e.g. a first line \`#:schema ./connector.schema.json\` for Even Better TOML / taplo.

Options:
  --module, -m <module>  connector module (default export from defineConnector) whose
                         settings are added to the schema
  --help, -h             show this help

Example:
  danube-connect config-schema > connector.schema.json

${EXIT_CODES_HELP}`;

/** `danube-connect config-schema`: prints the configuration JSON Schema. */
export const configSchemaCommand: Command = {
  name: 'config-schema',
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs(argv, { module: { type: 'string', short: 'm' } }, 0);
    const specifier = stringOption(args, 'module');
    const schema =
      specifier === undefined
        ? coreConfigJsonSchema()
        : connectorConfigJsonSchema(
            (await loadConnectorModule(specifier, io.cwd)).settings,
            `${specifier} configuration`,
          );
    println(io.stdout, JSON.stringify(schema, null, 2));
    return EXIT.OK;
  },
};
