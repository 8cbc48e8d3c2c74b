import { describe, expect, it } from 'vitest'
import { conflictingValueOf, forgedValueOf, ValuePalette } from '../../src/session/valueColours'

/** WCAG relative luminance contrast of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string): number => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0)
  }
  const [x, y] = [luminance(a), luminance(b)]
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05)
}

describe('ValuePalette', () => {
  it('names the proposal A, the conflicting value B and a forged one X', () => {
    const palette = new ValuePalette('blue')
    expect(palette.styleOf('blue')).toMatchObject({ kind: 'proposal', letter: 'A' })
    expect(palette.styleOf(conflictingValueOf('blue'))).toMatchObject({ kind: 'conflicting', letter: 'B' })
    expect(palette.styleOf(forgedValueOf('blue'))).toMatchObject({ kind: 'forged', letter: 'X' })
  })

  it('gives typed values the next letters in order of appearance, and the same style every time', () => {
    const palette = new ValuePalette('blue')
    expect(palette.styleOf('red').letter).toBe('C')
    expect(palette.styleOf('green').letter).toBe('D')
    expect(palette.styleOf('red').letter).toBe('C')
    const letters = Array.from({ length: 30 }, (_, i) => palette.styleOf(`v${i}`).letter)
    expect(new Set(letters).size).toBe(30)
    expect(letters).not.toContain('X')
  })

  it('uses colours that white text and white backgrounds both read at 4.5:1', () => {
    const palette = new ValuePalette('p')
    const values = ['p', conflictingValueOf('p'), forgedValueOf('p'), ...Array.from({ length: 8 }, (_, i) => `t${i}`)]
    for (const value of values) expect(contrast(palette.styleOf(value).colour, '#ffffff')).toBeGreaterThanOrEqual(4.5)
  })
})
