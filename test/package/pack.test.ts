import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NPM,
  ROOT,
  npm,
  packCleanClone,
  type PackedTarball,
} from '../../scripts/pack-clean-clone.js';

/**
 * The package as a user gets it. A copy of the working tree without dist/ is packed with
 * npm's scripts on (so `prepare` must build the package), the tarball is installed into a
 * fresh ESM project, and there a connector importing all three entry points is type-checked
 * under `tsc --strict` (NodeNext, `skipLibCheck: false`: the shipped declarations and those
 * of our dependencies must hold), a script runs them, and `npx danube-connect` answers.
 * Nothing is built or packed in the repository itself, whose dist/ other tests may use.
 */

const run = promisify(execFile);
/** The TypeScript the package is built with; the project's own tsc would be the same. */
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

let work: string;
let app: string;
let packed: PackedTarball;

/** The version of a dependency installed in the repository: what the user's project gets here. */
async function installedVersion(name: string): Promise<string> {
  const manifest = path.join(ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
}

const CONNECTOR_TS = `import { z } from 'zod';
import {
  ConnectorError,
  Offset,
  SourceConnector,
  SourceEnvelope,
  SourceRecord,
  defineConnector,
  type ConnectorConfig,
  type ProducerConfig,
} from 'danube-connect-core';
import { DanubeClient, type SendReceipt } from 'danube-connect-core/client';
import { startBroker, type EmbeddedBroker } from 'danube-connect-core/testing';

const settings = z.object({ ticker: z.object({ topic: z.string(), limit: z.number().int() }) });
type TickerSettings = z.infer<typeof settings>['ticker'];

class Ticker extends SourceConnector {
  private next = 0;
  constructor(private readonly cfg: TickerSettings) {
    super();
  }
  override async initialize(core: ConnectorConfig): Promise<void> {
    if (core.connector_name === '') throw ConnectorError.config('connector_name is empty');
  }
  override producerConfigs(): ProducerConfig[] {
    return [{ topic: this.cfg.topic, partitions: 2, reliableDispatch: true }];
  }
  override async poll(): Promise<SourceEnvelope[]> {
    if (this.next >= this.cfg.limit) return [];
    const n = this.next++;
    const record = SourceRecord.json(this.cfg.topic, { n }).withKey(\`k-\${n % 2}\`);
    return [SourceEnvelope.withOffset(record, Offset.of('ticker', n))];
  }
  override async commit(offsets: Offset[]): Promise<void> {
    for (const offset of offsets) void offset.value;
  }
}

export default defineConnector({ settings, create: (config) => new Ticker(config.ticker) });

// The declarations are real types, not any: each of these lines must be an error.
// @ts-expect-error a record topic is a string
export const wrongTopic: number = SourceRecord.string('/default/t', 'x').topic;
// @ts-expect-error Offset.of takes a partition name first
Offset.of(1, 2);

export async function publishOnce(broker: EmbeddedBroker): Promise<SendReceipt> {
  const client = await DanubeClient.connect({ serviceUrl: broker.url });
  const producer = await client.createProducer({ topic: '/default/packed', name: 'packed' });
  const receipt = await producer.send(Buffer.from('hello'));
  await client.close();
  return receipt;
}
export const start: typeof startBroker = startBroker;
`;

const SMOKE_MJS = `import * as core from 'danube-connect-core';
import { DanubeClient } from 'danube-connect-core/client';
import { startBroker } from 'danube-connect-core/testing';

for (const name of ['SourceConnector', 'SourceRecord', 'SourceRuntime', 'defineConnector', 'loadConfig']) {
  if (core[name] === undefined) throw new Error('missing export ' + name);
}
const broker = await startBroker();
try {
  const client = await DanubeClient.connect({ serviceUrl: broker.url });
  const producer = await client.createProducer({ topic: '/default/packed', name: 'packed' });
  await producer.send(Buffer.from('hello from the tarball'));
  const [stored] = await broker.waitForMessages('/default/packed', 1);
  await client.close();
  console.log(JSON.stringify({ payload: stored.payload.toString('utf8') }));
} finally {
  await broker.close();
}
`;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'danube-pack-'));
  app = path.join(work, 'app');
  await mkdir(app);
  packed = await packCleanClone(work);
  await writeFile(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'packed-app', version: '1.0.0', private: true, type: 'module' }),
  );
  // What a connector project installs: the package, zod for its settings, Node's types.
  // --prefer-offline: the npm cache already holds these from the repository's install.
  const extras = await Promise.all(
    ['zod', '@types/node'].map(async (name) => `${name}@${await installedVersion(name)}`),
  );
  await npm(['install', '--prefer-offline', '--no-audit', packed.tarball, ...extras], app);
}, 600_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('is built by its prepare script when packed from a clone without dist/', () => {
    const { files } = packed;
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'proto/DanubeApi.proto',
        'proto/SchemaRegistry.proto',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/client/index.js',
        'dist/client/index.d.ts',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
        'dist/cli/main.js',
      ]),
    );
    const outside = files.filter((f) => !f.startsWith('dist/') && !/^proto\/[^/]+\.proto$/.test(f));
    expect(outside.sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    const typescriptSources = files.filter(
      (f) => /\.(c|m)?ts$/.test(f) && !/\.d\.(c|m)?ts$/.test(f),
    );
    expect(typescriptSources).toEqual([]);
    // Source maps would point at src/, which is not shipped.
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  // The three checks of the installed package are independent: run them side by side.
  it.concurrent(
    'type-checks a connector under tsc --strict, NodeNext, skipLibCheck false',
    async ({ expect }) => {
      await writeFile(path.join(app, 'connector.ts'), CONNECTOR_TS);
      await writeFile(
        path.join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            lib: ['ES2023'],
            types: ['node'],
          },
          files: ['connector.ts'],
        }),
      );
      const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: app }).catch(
        (error: { stdout?: string; message: string }) => ({
          stdout: error.stdout ?? error.message,
        }),
      );
      expect(result.stdout).toBe('');
    },
    300_000,
  );

  it.concurrent(
    'imports all three entry points at runtime and runs the embedded broker',
    async ({ expect }) => {
      await writeFile(path.join(app, 'smoke.mjs'), SMOKE_MJS);
      const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: app });
      expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
        payload: 'hello from the tarball',
      });
    },
    120_000,
  );

  it.concurrent(
    'runs npx danube-connect --help',
    async ({ expect }) => {
      const npx = NPM.replace(/^npm/, 'npx');
      const { stdout } = await run(npx, ['--no', '--', 'danube-connect', '--help'], { cwd: app });
      expect(stdout).toContain('Usage: danube-connect <command>');
    },
    120_000,
  );
});
