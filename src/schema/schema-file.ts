import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SchemaError } from './errors.js';
import { errorMessage } from '../errors.js';

/** A schema file's contents and the absolute path it was read from. */
export interface LoadedSchemaFile {
  path: string;
  text: string;
}

/** What a schema file is for, used in error messages. */
export interface SchemaFileOwner {
  topic: string;
  subject?: string;
}

/**
 * The absolute paths a `schema_file` value may mean, in the order they are tried: relative to
 * the config file's folder first, then to the working directory; an absolute path as is.
 */
export function schemaFileCandidates(
  file: string,
  configDir: string | undefined,
  cwd: string = process.cwd(),
): string[] {
  if (path.isAbsolute(file)) return [path.normalize(file)];
  const candidates: string[] = [];
  if (configDir !== undefined && configDir !== '') candidates.push(path.resolve(configDir, file));
  const fromCwd = path.resolve(cwd, file);
  if (!candidates.includes(fromCwd)) candidates.push(fromCwd);
  return candidates;
}

function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/**
 * Reads a `[[schemas]]` entry's `schema_file` (UTF-8).
 *
 * @throws {@link SchemaError} naming every path tried when none exists, or the file and the
 *   reason when it exists but cannot be read.
 */
export async function loadSchemaFile(
  file: string,
  configDir: string | undefined,
  owner: SchemaFileOwner,
  cwd: string = process.cwd(),
): Promise<LoadedSchemaFile> {
  const candidates = schemaFileCandidates(file, configDir, cwd);
  for (const candidate of candidates) {
    try {
      return { path: candidate, text: await readFile(candidate, 'utf8') };
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      const reason = errorMessage(err);
      throw new SchemaError(
        `schema file ${candidate} for topic ${owner.topic} cannot be read: ${reason}`,
        {
          topic: owner.topic,
          subject: owner.subject,
          file: candidate,
          cause: err,
        },
      );
    }
  }
  throw new SchemaError(
    `schema file "${file}" for topic ${owner.topic} not found; tried ${candidates.join(', ')}`,
    { topic: owner.topic, subject: owner.subject, file },
  );
}
