import { LiveRoundError } from './errors'

/** What a human Byzantine replica may choose when it acts (refused for honest replicas). */
export interface ByzantineChoice {
  /** One value for every recipient (a wrong value). */
  value?: string
  /** Per-recipient values (equivocation); recipients not listed get `value` or the kind's default. */
  values?: Record<number, string>
  /**
   * Alter this replica's messages in transit after signing (caught when authentication is on).
   * Left out, the fault kind decides (only `tamper` replicas tamper).
   */
  tamper?: boolean
}

/** Longest value a human may type: values end up in traces shown on every phone. */
export const MAX_VALUE_LENGTH = 64

/** True when the choice asks for anything an honest replica may not do. */
export function deviates(choice: ByzantineChoice): boolean {
  return choice.value !== undefined || choice.values !== undefined || choice.tamper === true
}

/** Throws 'bad-value' unless every value in the choice is a non-empty string of at most 64 chars. */
export function checkChoice(choice: ByzantineChoice): void {
  // Choices arrive as JSON from phones, so the types are checked at run time too.
  if (choice.value !== undefined) checkValue(choice.value)
  if (choice.values !== undefined) {
    if (typeof choice.values !== 'object' || choice.values === null) {
      throw new LiveRoundError('bad-value', 'values must map recipient ids to values')
    }
    for (const value of Object.values(choice.values)) checkValue(value)
  }
  if (choice.tamper !== undefined && typeof choice.tamper !== 'boolean') {
    throw new LiveRoundError('bad-value', 'tamper must be true or false')
  }
}

function checkValue(value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) {
    throw new LiveRoundError('bad-value', `a value must be 1 to ${MAX_VALUE_LENGTH} characters`)
  }
}

/** The value the choice sends to `to`, or null to keep the fault kind's default. */
export function chosenValue(choice: ByzantineChoice, to: number): string | null {
  return choice.values?.[to] ?? choice.value ?? null
}
