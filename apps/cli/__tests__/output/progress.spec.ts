import { describe, expect, it } from 'vitest'
import { createProgress } from '../../src/output/progress'
import { captureIo } from '../support/captureIo'

describe('createProgress', () => {
  it('writes nothing when stderr is not a terminal', () => {
    const io = captureIo({ isTTY: false })
    const progress = createProgress(io, 'sweep')
    progress.update(5, 10)
    progress.finish()
    expect(io.err).toEqual([])
    expect(io.out).toEqual([])
  })

  it('redraws at most every 100 ms, always at the end, and erases itself', () => {
    const io = captureIo({ isTTY: true })
    let now = 0
    const progress = createProgress(io, 'sweep', () => now)
    progress.update(1, 4)
    now = 50
    progress.update(2, 4) // too soon: skipped
    now = 200
    progress.update(3, 4)
    progress.update(4, 4) // the end is always drawn
    progress.finish()
    expect(io.err).toEqual([
      `\rsweep [${'#'.repeat(8)}${'-'.repeat(22)}]  25%  1/4`,
      `\rsweep [${'#'.repeat(23)}${'-'.repeat(7)}]  75%  3/4`,
      `\rsweep [${'#'.repeat(30)}] 100%  4/4`,
      '\r\x1b[2K',
    ])
    expect(io.out).toEqual([])
  })
})
