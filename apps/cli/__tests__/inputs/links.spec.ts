import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LinkMatrixFile, readLinkMatrix } from '../../src/inputs/links'

function file(contents: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pbft-links-')), 'm.json')
  writeFileSync(path, contents)
  return path
}

describe('readLinkMatrix', () => {
  it('returns an N×N matrix as written', () => {
    expect(readLinkMatrix(file('[[0, 0.5], [0.25, 0]]'), 2)).toEqual([
      [0, 0.5],
      [0.25, 0],
    ])
  })

  it('names the file and the entry at fault', () => {
    const path = file('[[0, 0.5], [0.25, "x"]]')
    expect(() => readLinkMatrix(path, 2)).toThrow(`${path}[1][1]: entries must be numbers`)
  })

  it('checks the size against N', () => {
    expect(() => readLinkMatrix(file('[[0]]'), 2)).toThrow(/must be a 2×2 matrix for --nodes 2, but it has 1 rows/)
  })

  it('reports an unreadable file with its error code', () => {
    expect(() => readLinkMatrix('/nonexistent/m.json', 2)).toThrow('cannot read /nonexistent/m.json (ENOENT)')
  })

  it('accepts only arrays of arrays of probabilities', () => {
    expect(LinkMatrixFile.safeParse([[1.5]]).success).toBe(false)
    expect(LinkMatrixFile.safeParse([1]).success).toBe(false)
    expect(LinkMatrixFile.safeParse([[0, 1]]).success).toBe(true)
  })
})
