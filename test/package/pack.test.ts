import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: `npm run build`, `npm pack`, the tarball installed into an
 * empty project, then a connector type-checked against the shipped declarations and a
 * script importing all three entry points at runtime.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const STEP_TIMEOUT_MS = 240_000;

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}

let work: string;
let app: string;
let files: string[];
/** False when the fallback linked the dependencies (then there is no node_modules/.bin). */
let installedByNpm = true;

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(NPM, args, {
    cwd,
    timeout: STEP_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  return stdout;
}

/**
 * `npm install <tarball>`: from the npm cache when it holds the dependencies (offline
 * sandboxes), else from the registry. If neither works, the tarball is unpacked into
 * node_modules and the repository's installed dependencies are linked beside it, which is
 * what the install would have produced.
 */
async function installTarball(tarball: string): Promise<void> {
  try {
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app);
    return;
  } catch (error) {
    process.stderr.write(
      `npm install failed, linking the repository's dependencies: ${String(error)}\n`,
    );
  }
  installedByNpm = false;
  const target = path.join(app, 'node_modules/danube-connect-core');
  await rm(path.join(app, 'node_modules'), { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  for (const entry of await readdir(path.join(ROOT, 'node_modules'))) {
    if (entry.startsWith('.') || entry === 'danube-connect-core') continue;
    await symlink(path.join(ROOT, 'node_modules', entry), path.join(app, 'node_modules', entry));
  }
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
  await npm(['run', 'build'], ROOT);
  const packed = JSON.parse(
    await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT),
  ) as PackResult[];
  const result = packed[0];
  if (result === undefined) throw new Error('npm pack printed no result');
  files = result.files.map((f) => f.path);
  await writeFile(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'packed-app', version: '1.0.0', private: true, type: 'module' }),
  );
  await installTarball(path.join(work, result.filename));
}, 600_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships dist, the protocol files, README, LICENSE, CHANGELOG and package.json, and no sources', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toEqual(
      expect.arrayContaining([
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
    expect(files.filter((f) => /^(src|test|examples|bench|docs)\//.test(f))).toEqual([]);
  });

  it('type-checks a connector importing all three entry points from the installed tarball', async () => {
    await writeFile(path.join(app, 'connector.ts'), CONNECTOR_TS);
    await writeFile(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
        },
        files: ['connector.ts'],
      }),
    );
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], {
      cwd: app,
      timeout: STEP_TIMEOUT_MS,
    }).catch((error: { stdout?: string; message: string }) => ({
      stdout: error.stdout ?? error.message,
    }));
    expect(result.stdout).toBe('');
  }, 300_000);

  it('imports all three entry points at runtime and runs the embedded broker', async () => {
    await writeFile(path.join(app, 'smoke.mjs'), SMOKE_MJS);
    const { stdout } = await run(process.execPath, ['smoke.mjs'], {
      cwd: app,
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      payload: 'hello from the tarball',
    });
  }, 120_000);

  it('installs the danube-connect command', async () => {
    const main = path.join(app, 'node_modules/danube-connect-core/dist/cli/main.js');
    const [file, args] = installedByNpm
      ? [path.join(app, 'node_modules/.bin/danube-connect'), ['--help']]
      : [process.execPath, [main, '--help']];
    const { stdout } = await run(file, args, { cwd: app, timeout: 60_000 });
    expect(stdout).toContain('Usage: danube-connect <command>');
  }, 120_000);
});
