import { mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenFromFile } from '../../src/client/index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'danube-token-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tokenFromFile', () => {
  it('reads the token once and again after every change, trimmed', async () => {
    const file = path.join(dir, 'token');
    await writeFile(file, 'first-token\n');
    const read: string[] = [];
    const supplier = tokenFromFile(file, { onToken: (token) => read.push(token) });
    expect(supplier()).toBe('first-token');
    expect(supplier()).toBe('first-token');
    await writeFile(file, '  second-token-longer  \n');
    expect(supplier()).toBe('second-token-longer');
    expect(read).toEqual(['first-token', 'second-token-longer']);
  });

  it('follows a swapped symlink, as Kubernetes projected volumes rotate tokens', async () => {
    await writeFile(path.join(dir, 'a'), 'token-a');
    await writeFile(path.join(dir, 'b'), 'token-b');
    const link = path.join(dir, 'token');
    await symlink(path.join(dir, 'a'), link);
    const supplier = tokenFromFile(link);
    expect(supplier()).toBe('token-a');
    await symlink(path.join(dir, 'b'), path.join(dir, 'next'));
    await rename(path.join(dir, 'next'), link);
    expect(supplier()).toBe('token-b');
  });

  it('keeps the last token while the file is missing or empty, reporting each failing change once', async () => {
    const file = path.join(dir, 'token');
    await writeFile(file, 'good-token');
    const errors: string[] = [];
    const supplier = tokenFromFile(file, { onError: (error) => errors.push(error.message) });
    await writeFile(file, '   \n');
    expect(supplier()).toBe('good-token');
    expect(supplier()).toBe('good-token');
    await rm(file);
    expect(supplier()).toBe('good-token');
    expect(supplier()).toBe('good-token');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(`token file ${file} is empty`);
    expect(errors[1]).toMatch(/ENOENT/);
    await writeFile(file, 'new-token');
    expect(supplier()).toBe('new-token');
  });

  it('throws at creation when the file cannot be read or is empty', async () => {
    expect(() => tokenFromFile(path.join(dir, 'missing'))).toThrow(/ENOENT/);
    await writeFile(path.join(dir, 'empty'), '');
    expect(() => tokenFromFile(path.join(dir, 'empty'))).toThrow(/is empty/);
  });
});
