import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchemaFile, SchemaError, schemaFileCandidates } from '../../src/schema/index.js';

function tempTree(): { configDir: string; cwd: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'schema-file-'));
  const configDir = path.join(root, 'config');
  const cwd = path.join(root, 'work');
  mkdirSync(path.join(configDir, 'schemas'), { recursive: true });
  mkdirSync(path.join(cwd, 'schemas'), { recursive: true });
  return { configDir, cwd };
}

const owner = { topic: '/iot/sensors', subject: 'sensor-v1' };

describe('loadSchemaFile', () => {
  it('prefers the config folder, then the working directory', async () => {
    const { configDir, cwd } = tempTree();
    writeFileSync(path.join(configDir, 'schemas', 'a.json'), 'from config');
    writeFileSync(path.join(cwd, 'schemas', 'a.json'), 'from cwd');
    writeFileSync(path.join(cwd, 'schemas', 'b.json'), 'only in cwd');
    expect(await loadSchemaFile('schemas/a.json', configDir, owner, cwd)).toEqual({
      path: path.join(configDir, 'schemas', 'a.json'),
      text: 'from config',
    });
    expect(await loadSchemaFile('schemas/b.json', configDir, owner, cwd)).toEqual({
      path: path.join(cwd, 'schemas', 'b.json'),
      text: 'only in cwd',
    });
  });

  it('reads absolute paths as they are', async () => {
    const { configDir, cwd } = tempTree();
    const file = path.join(cwd, 'abs.json');
    writeFileSync(file, '{}');
    expect((await loadSchemaFile(file, configDir, owner, cwd)).text).toBe('{}');
    expect(schemaFileCandidates(file, configDir, cwd)).toEqual([file]);
  });

  it('names every path tried when the file is missing', async () => {
    const { configDir, cwd } = tempTree();
    const err = await loadSchemaFile('schemas/missing.json', configDir, owner, cwd).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SchemaError);
    expect((err as SchemaError).kind).toBe('config');
    expect((err as SchemaError).message).toBe(
      `schema file "schemas/missing.json" for topic /iot/sensors not found; tried ${path.join(configDir, 'schemas', 'missing.json')}, ${path.join(cwd, 'schemas', 'missing.json')}`,
    );
  });

  it('tries the working directory once when the config folder is the same', () => {
    expect(schemaFileCandidates('s.json', '/w', '/w')).toEqual([path.resolve('/w/s.json')]);
    expect(schemaFileCandidates('s.json', undefined, '/w')).toEqual([path.resolve('/w/s.json')]);
  });

  it('reports a path that exists but cannot be read', async () => {
    const { configDir, cwd } = tempTree();
    const err = await loadSchemaFile('schemas', configDir, owner, cwd).catch((e: unknown) => e);
    expect((err as SchemaError).message).toMatch(
      new RegExp(
        `^schema file ${path.join(configDir, 'schemas').replace(/[/\\]/g, '.')} for topic /iot/sensors cannot be read: EISDIR`,
      ),
    );
  });
});
