import type { CliIo } from '../cliIo'

export interface Progress {
  /** Fits the engine's onProgress callbacks. */
  update(done: number, total: number): void
  /** Erases the bar so the terminal is left clean. */
  finish(): void
}

const BAR_WIDTH = 30
// Redrawing on every callback would cost more than the work it reports.
const REDRAW_MS = 100

/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never into logs or pipes). */
export function createProgress(io: CliIo, label: string, now: () => number = Date.now): Progress {
  if (!io.isTTY) return { update: () => {}, finish: () => {} }
  let lastDraw = -Infinity
  let drawn = false
  return {
    update(done, total) {
      const time = now()
      if (done < total && time - lastDraw < REDRAW_MS) return
      lastDraw = time
      drawn = true
      const fraction = total > 0 ? Math.min(1, done / total) : 1
      const filled = Math.round(fraction * BAR_WIDTH)
      const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled)
      const percent = `${Math.floor(fraction * 100)}`.padStart(3)
      io.stderr.write(`\r${label} [${bar}] ${percent}%  ${done}/${total}`)
    },
    finish() {
      if (drawn) io.stderr.write('\r\x1b[2K')
      drawn = false
    },
  }
}
