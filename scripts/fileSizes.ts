import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The most lines a production source file may have: small enough to read in one sitting. */
export const MAX_LINES = 350

/** Lines of a text as `wc -l` counts them (a last line without a newline counts too). */
export function countLines(text: string): number {
  if (text === '') return 0
  const newlines = text.split('\n').length - 1
  return text.endsWith('\n') ? newlines : newlines + 1
}

export interface OversizedFile {
  file: string
  lines: number
}

/** The files of `files` (relative to `root`) longer than `limit` lines. */
export function oversizedFiles(root: string, files: readonly string[], limit = MAX_LINES): OversizedFile[] {
  return files
    .map((file) => ({ file, lines: countLines(readFileSync(join(root, file), 'utf8')) }))
    .filter((entry) => entry.lines > limit)
}
