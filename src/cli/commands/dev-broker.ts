import { runDevBroker } from '../../testing/broker/dev-broker.js';
import { integerOption, parseCommandArgs, stringList, stringOption, flag } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.js';
import { println } from '../io.js';

const HELP = `Usage: danube-connect dev-broker [--port 6650] [--namespace <name>]...

Runs the embedded Danube-compatible broker in the foreground for local development:
producers, consumers, topic discovery and the schema registry, all in memory. The
"default" namespace always exists; every --namespace adds one (the real broker refuses
producers of a namespace nobody created, and so does this one). Prints each topic as it is
created. Ctrl-C stops it (data is lost).

Options:
  --port, -p <port>           port to listen on (default: 6650; 0 = any free port)
  --host <host>               interface to bind (default: 127.0.0.1)
  --namespace, -n <name>      namespace to create at start; repeatable
  --max-message-bytes <n>     refuse larger payloads, like a topic size policy
  --messages                  also print a line per stored message
  --help, -h                  show this help

Example:
  danube-connect dev-broker --namespace iot --namespace payments
  DANUBE_SERVICE_URL=http://127.0.0.1:6650 danube-connect run ./dist/connector.js

${EXIT_CODES_HELP}`;

/** `danube-connect dev-broker`: the embedded broker in the foreground. */
export const devBrokerCommand: Command = {
  name: 'dev-broker',
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs(
      argv,
      {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        namespace: { type: 'string', short: 'n', multiple: true },
        'max-message-bytes': { type: 'string' },
        messages: { type: 'boolean' },
      },
      0,
    );
    const port = integerOption(args, 'port', 6650, { min: 0, max: 65_535 });
    const maxMessageBytes = integerOption(args, 'max-message-bytes', 0, {
      min: 1,
      max: 2 ** 31 - 1,
    });
    const namespaces = [...new Set(['default', ...stringList(args, 'namespace')])];
    // Said when the stop is asked for, before the broker closes.
    io.signal.addEventListener('abort', () => println(io.stdout, 'stopping the dev broker'), {
      once: true,
    });
    await runDevBroker({
      port,
      host: stringOption(args, 'host') ?? '127.0.0.1',
      namespaces,
      ...(maxMessageBytes > 0 ? { maxMessageBytes } : {}),
      signal: io.signal,
      handleSignals: false,
      onReady: (broker) => {
        broker.on('topic', (topic) => println(io.stdout, `topic created: ${topic}`));
        if (flag(args, 'messages')) {
          broker.on('message', (message) =>
            println(
              io.stdout,
              `message: ${message.topic} offset=${message.offset} bytes=${message.payload.length} producer=${message.producerName}`,
            ),
          );
        }
        println(
          io.stdout,
          `danube dev broker listening on ${broker.url} (namespaces: ${namespaces.join(', ')}); Ctrl-C stops`,
        );
      },
    });
    return EXIT.OK;
  },
};
