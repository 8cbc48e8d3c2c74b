/**
 * Every value of a round has one colour and one letter, used alike on the projector's nodes,
 * edges and tables and on the phones, so a class can tell values apart from the back of the
 * hall (a "′" alone cannot be seen there) and colour-blind students still have the letter.
 *
 * The engine names its values from the proposal: the conflicting value a Byzantine replica
 * pushes is the proposal followed by "′", a value altered in transit the proposal followed by
 * "*". Values typed by a Byzantine student get the next free letters, in order of appearance.
 * Colours are the Okabe–Ito palette, darkened where needed so that white text on the colour
 * and the colour as text on white both reach 4.5:1 (WCAG AA).
 */

/** What a value is in the story of a round. */
export type ValueKind = 'proposal' | 'conflicting' | 'forged' | 'other'

export interface ValueStyle {
  kind: ValueKind
  /** A, B, C…; X for a value forged in transit. */
  letter: string
  /** Fill or stroke; white text on it, and it as text on white, reach 4.5:1. */
  colour: string
}

/** Proposal (A), conflicting (B), then values typed by Byzantine students (C, D, …). */
const LETTERED = [
  { letter: 'A', colour: '#0072B2' }, // blue
  { letter: 'B', colour: '#B34F00' }, // vermillion, darkened
  { letter: 'C', colour: '#007558' }, // bluish green, darkened
  { letter: 'D', colour: '#9E4A7E' }, // reddish purple, darkened
  { letter: 'E', colour: '#8A5F00' }, // orange, darkened
  { letter: 'F', colour: '#1F6F9A' }, // sky blue, darkened
] as const

/** Letters of values typed by students; X is kept for forged values. */
const OTHER_LETTERS = 'CDEFGHIJKLMNOPQRSTUVWYZ'

/** A value altered in transit: it never came from an honest sender. */
const FORGED: ValueStyle = { kind: 'forged', letter: 'X', colour: '#B00020' }

/** The conflicting value the engine derives from a proposal. */
export function conflictingValueOf(proposal: string): string {
  return `${proposal}′`
}

/** The value a message carries after tampering in transit. */
export function forgedValueOf(proposal: string): string {
  return `${proposal}*`
}

/**
 * The colours of one round's values. Deterministic for a given order of appearance, so the
 * projector and the phones (which see values in the same trace order) agree.
 */
export class ValuePalette {
  private readonly others = new Map<string, ValueStyle>()

  constructor(readonly proposal: string) {}

  styleOf(value: string): ValueStyle {
    if (value === this.proposal) return { kind: 'proposal', ...LETTERED[0] }
    if (value === conflictingValueOf(this.proposal)) return { kind: 'conflicting', ...LETTERED[1] }
    if (value === forgedValueOf(this.proposal)) return FORGED
    let style = this.others.get(value)
    if (style === undefined) {
      const index = this.others.size
      // Past F the colours repeat, the letters do not: the letter keeps values apart.
      const slot = LETTERED[2 + (index % (LETTERED.length - 2))] ?? LETTERED[2]
      style = { kind: 'other', letter: OTHER_LETTERS[index] ?? `C${index}`, colour: slot.colour }
      this.others.set(value, style)
    }
    return style
  }
}
