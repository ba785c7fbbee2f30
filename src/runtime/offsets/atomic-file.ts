import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes `text` to `file` (created or truncated) and flushes it to the disk. */
export async function writeFileDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (a rename into it) to the disk; Windows cannot open folders. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The prefix of the temporary files {@link replaceFileAtomically} writes beside `file`. */
export function temporaryPrefix(file: string): string {
  return `.${path.basename(file)}.`;
}

/**
 * Replaces `file` with `text` so that a crash at any instant (process killed, power lost)
 * leaves either the old content or the new one, never a mix: write a temporary file in the
 * same folder, flush it, rename it over `file`, flush the folder.
 */
export async function replaceFileAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `${temporaryPrefix(file)}${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFileDurably(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}
