import { open, rename, unlink } from 'node:fs/promises'
import { StoreError } from './sessionStore'

/** Files being written by writeAtomically; one a crash left behind is garbage. */
export const TEMP_SUFFIX = '.tmp'

const UNWRITABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR'])
const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT'])

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

/** A file-system failure as a StoreError that names the path and what to do about it. */
export function storeError(error: unknown, action: string, path: string): StoreError {
  if (error instanceof StoreError) return error
  const code = errnoOf(error)
  const reason = error instanceof Error ? error.message : String(error)
  if (code !== undefined && NO_SPACE_CODES.has(code)) {
    return new StoreError(`cannot ${action} ${path}: the disk is full (${reason})`, 'NO_SPACE', { cause: error })
  }
  if (code !== undefined && UNWRITABLE_CODES.has(code)) {
    return new StoreError(`cannot ${action} ${path}: not writable (${reason}); choose another DATA_DIR or fix its permissions`, 'UNWRITABLE', {
      cause: error,
    })
  }
  return new StoreError(`cannot ${action} ${path}: ${reason}`, 'IO', { cause: error })
}

let tempCounter = 0

/**
 * Replaces `path` all or nothing: a crash leaves either the old or the new document, never a
 * torn one. The temp file lives in the same directory so that rename is atomic, and the
 * directory is synced so that the rename itself survives a power cut.
 */
export async function writeAtomically(dir: string, path: string, data: string): Promise<void> {
  await replaceFile(path, data)
  await syncDirectory(dir)
}

/**
 * writeAtomically without the directory sync, for callers that replace several files and then
 * sync their directory once: until then the rename may not survive a power cut.
 */
export async function replaceFile(path: string, data: string, options: { previous?: string } = {}): Promise<void> {
  const temp = `${path}.${process.pid}.${++tempCounter}${TEMP_SUFFIX}`
  try {
    const file = await open(temp, 'wx', 0o644)
    try {
      await file.writeFile(data, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    // The file being replaced becomes the previous generation: should the new one ever be
    // found damaged, the store falls back to it (a crash between the renames leaves only it).
    if (options.previous !== undefined) {
      await rename(path, options.previous).catch((error: unknown) => {
        if (errnoOf(error) !== 'ENOENT') throw error
      })
    }
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw storeError(error, 'write', path)
  }
}

/** Makes the creations, renames and deletions in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    // Some platforms cannot open or sync a directory; the rename is as durable as they allow.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(errnoOf(error) ?? '')) throw storeError(error, 'sync', dir)
  } finally {
    await handle?.close()
  }
}

/** Deletes `path` durably; a file that is already gone is fine. */
export async function removeFile(dir: string, path: string): Promise<void> {
  if (await unlinkFile(path)) await syncDirectory(dir)
}

/** removeFile without the directory sync; false if there was nothing to delete. */
export async function unlinkFile(path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false
    throw storeError(error, 'delete', path)
  }
}
