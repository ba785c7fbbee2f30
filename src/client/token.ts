import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { asError, errorMessage, isDanubeConnectError } from '../errors.js';
import { DanubeError } from './errors.js';

/**
 * Supplies the bearer token of each call, like the Rust client's `with_token_supplier`: the
 * client calls it before every request, so a token that is refreshed (a Kubernetes projected
 * service-account token, an OAuth access token) is used as soon as the supplier returns it.
 * Keep it fast: cache, and refresh when needed (see {@link tokenFromFile}).
 */
export type TokenSupplier = () => string | Promise<string>;

/** Options of {@link tokenFromFile}. */
export interface TokenFileOptions {
  /** A token read (the first one, and each new one): e.g. to add it to a log redactor. */
  onToken?: (token: string) => void;
  /**
   * The file changed but cannot be read, or is empty: the previous token is kept; called once
   * per failing change.
   */
  onError?: (error: Error) => void;
}

/** What identifies one version of a file: a rewrite or a swapped symlink changes it. */
function versionOf(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

function readToken(path: string): string {
  const token = readFileSync(path, 'utf8').trim();
  if (token === '')
    throw new DanubeError(`token file ${path} is empty`, { kind: 'config', file: path });
  return token;
}

/**
 * A {@link TokenSupplier} reading the token from a file and reading it again whenever the file
 * changed (checked on every call with one `stat`, which follows symlinks, so the atomic
 * symlink swap of Kubernetes projected volumes counts as a change). Surrounding whitespace is
 * dropped. Reads the file once at creation.
 *
 * @throws DanubeError kind `config` when the file cannot be read or is empty at creation.
 *
 * @example
 * ```ts
 * const client = await DanubeClient.connect({
 *   serviceUrl: 'https://danube:6650',
 *   token: tokenFromFile('/var/run/secrets/tokens/danube'),
 * });
 * ```
 */
export function tokenFromFile(path: string, options: TokenFileOptions = {}): TokenSupplier {
  let version: string;
  let token: string;
  try {
    version = versionOf(statSync(path, { bigint: true }));
    token = readToken(path);
  } catch (error) {
    if (isDanubeConnectError(error)) throw error;
    throw new DanubeError(`cannot read the token file ${path}: ${errorMessage(error)}`, {
      kind: 'config',
      file: path,
      cause: error,
    });
  }
  options.onToken?.(token);
  let failedVersion: string | undefined;
  return () => {
    try {
      const current = versionOf(statSync(path, { bigint: true }));
      if (current === version || current === failedVersion) return token;
      const next = readToken(path);
      if (next !== token) options.onToken?.(next);
      token = next;
      version = current;
      failedVersion = undefined;
    } catch (error) {
      // A missing file between a delete and a write, or half a rewrite: keep what works.
      const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
      const seen = stats === undefined ? 'missing' : versionOf(stats);
      if (seen !== failedVersion) {
        failedVersion = seen;
        options.onError?.(asError(error));
      }
    }
    return token;
  };
}

/** `authorization: Bearer …` metadata for every call, from a supplier asked each time. */
export function tokenCallCredentials(supplier: TokenSupplier): grpc.CallCredentials {
  return grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    Promise.resolve()
      .then(supplier)
      .then(
        (token) => {
          const metadata = new grpc.Metadata();
          metadata.set('authorization', `Bearer ${token}`);
          callback(null, metadata);
        },
        (error: unknown) => callback(asError(error)),
      );
  });
}
