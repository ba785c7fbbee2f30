import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { realClock, type Clock } from '../clock.js';
import { replaceFileAtomically, temporaryPrefix } from './atomic-file.js';
import { FileLock } from './file-lock.js';
import type { LeaseWait } from './lease.js';
import type { OffsetScope, ResettableOffsetStore } from './offset-store.js';
import { parseStoredOffset, type StoredOffset } from './stored-offset.js';
import { DanubeConnectError, errorMessage } from '../../errors.js';

/** Options of {@link FileOffsetStore}. */
export interface FileOffsetStoreOptions extends OffsetScope {
  /** The folder of the offsets and lock files (created when missing). */
  directory: string;
  /** `offsets.lock_lease_ms`. */
  leaseMs: number;
  clock?: Clock;
  /** Wall-clock milliseconds, compared with file times (default `Date.now`). */
  wallClock?: () => number;
  onWait?: ((wait: LeaseWait) => void) | undefined;
}

/** Version of the file layout below; a file of another version is refused, not guessed at. */
const FORMAT = 1;

/** The offsets file: one JSON document, replaced atomically on every save. */
interface OffsetsFile {
  format: number;
  connector: string;
  instance: number;
  saved_at: string;
  offsets: StoredOffset[];
}

/** A connector name as a file name: anything but letters, digits, `.`, `_` and `-` escaped. */
function fileSafe(name: string): string {
  return name.replace(
    /[^A-Za-z0-9._-]/g,
    (c) => `%${c.codePointAt(0)?.toString(16).padStart(2, '0') ?? ''}`,
  );
}

/**
 * Offsets in a local folder: `<connector_name>.<instance>.offsets.json`, replaced atomically
 * (temporary file, fsync, rename, fsync of the folder) so a crash at any instant leaves the
 * previous or the new offsets, and `<connector_name>.<instance>.offsets.lock` (see
 * {@link FileLock}).
 */
export class FileOffsetStore implements ResettableOffsetStore {
  readonly description: string;
  /** The offsets file. */
  readonly file: string;
  readonly #options: FileOffsetStoreOptions;
  readonly #lock: FileLock;
  #offsets = new Map<string, StoredOffset>();

  constructor(options: FileOffsetStoreOptions) {
    this.#options = options;
    const base = `${fileSafe(options.connector)}.${options.instance}.offsets`;
    this.file = path.join(options.directory, `${base}.json`);
    this.description = `file ${this.file}`;
    this.#lock = new FileLock({
      file: path.join(options.directory, `${base}.lock`),
      leaseMs: options.leaseMs,
      clock: options.clock ?? realClock,
      ...(options.wallClock === undefined ? {} : { wallClock: options.wallClock }),
      what: `offsets of ${options.connector} (instance ${options.instance}) in ${options.directory}`,
      onWait: options.onWait,
    });
  }

  async lock(): Promise<void> {
    await mkdir(this.#options.directory, { recursive: true });
    await this.#lock.acquire();
    await this.#removeInterruptedSaves();
  }

  async load(): Promise<StoredOffset[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') {
        this.#offsets = new Map();
        return [];
      }
      throw error;
    }
    const offsets = parseOffsetsFile(text, this.file);
    this.#offsets = new Map(offsets.map((o) => [o.partition, o]));
    return offsets;
  }

  async save(offsets: readonly StoredOffset[]): Promise<void> {
    const next = new Map(this.#offsets);
    for (const offset of offsets) next.set(offset.partition, offset);
    await this.#write(next);
  }

  async replace(offsets: readonly StoredOffset[]): Promise<void> {
    await this.#write(new Map(offsets.map((o) => [o.partition, o])));
  }

  async close(): Promise<void> {
    await this.#lock.release();
  }

  abandon(): void {
    this.#lock.abandon();
  }

  async #write(offsets: Map<string, StoredOffset>): Promise<void> {
    await this.#lock.verify();
    const document: OffsetsFile = {
      format: FORMAT,
      connector: this.#options.connector,
      instance: this.#options.instance,
      saved_at: new Date().toISOString(),
      offsets: [...offsets.values()],
    };
    await replaceFileAtomically(this.file, `${JSON.stringify(document, null, 2)}\n`);
    this.#offsets = offsets;
  }

  /** Temporary files of saves a crash interrupted (only the lock holder writes them). */
  async #removeInterruptedSaves(): Promise<void> {
    const prefix = temporaryPrefix(this.file);
    const names = await readdir(this.#options.directory);
    for (const name of names) {
      if (name.startsWith(prefix) && name.endsWith('.tmp'))
        await unlink(path.join(this.#options.directory, name)).catch(() => undefined);
    }
  }
}

/** Checks an offsets file; throws naming the file and what is wrong with it. */
function parseOffsetsFile(text: string, file: string): StoredOffset[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new DanubeConnectError(
      'fatal',
      `offsets file ${file} is not valid JSON (${errorMessage(error)}); saves replace it atomically, so it was changed by something else`,
      { cause: error, file },
    );
  }
  const { format, offsets } = (document ?? {}) as Partial<OffsetsFile>;
  if (format !== FORMAT || !Array.isArray(offsets)) {
    throw new DanubeConnectError(
      'fatal',
      `offsets file ${file}: expected { "format": ${FORMAT}, "offsets": [...] }, written by this version of danube-connect-core`,
      { file },
    );
  }
  const seen = new Set<string>();
  return offsets.map((raw: unknown, index) => {
    const stored = parseStoredOffset(raw, `offsets file ${file}: offsets[${index}]`);
    if (seen.has(stored.partition))
      throw new DanubeConnectError(
        'fatal',
        `offsets file ${file}: partition "${stored.partition}" appears twice`,
        { file },
      );
    seen.add(stored.partition);
    return stored;
  });
}
