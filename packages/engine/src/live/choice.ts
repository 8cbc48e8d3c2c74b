import type { Deviation } from '../round/replica'
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
  /**
   * A Byzantine new primary's NEW-VIEW: the replicas whose VIEW-CHANGEs (among those it holds)
   * go into the set V it sends; its own always does. Left out: all it holds.
   */
  viewChanges?: number[]
  /** Per-recipient sets V (equivocating NEW-VIEWs); recipients not listed get `viewChanges`. */
  viewChangesFor?: Record<number, number[]>
}

/** Longest value a human may type: values end up in traces shown on every phone. */
export const MAX_VALUE_LENGTH = 64

/** True when the choice asks for anything an honest replica may not do. */
export function deviates(choice: ByzantineChoice): boolean {
  return (
    choice.value !== undefined ||
    choice.values !== undefined ||
    choice.tamper === true ||
    choice.viewChanges !== undefined ||
    choice.viewChangesFor !== undefined
  )
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
  if (choice.viewChanges !== undefined) checkIds(choice.viewChanges)
  if (choice.viewChangesFor !== undefined) {
    if (typeof choice.viewChangesFor !== 'object' || choice.viewChangesFor === null) {
      throw new LiveRoundError('bad-value', 'viewChangesFor must map recipient ids to lists of replica ids')
    }
    for (const ids of Object.values(choice.viewChangesFor)) checkIds(ids)
  }
}

/** Longest list of replica ids a choice may carry (the largest live session has 100 replicas). */
const MAX_IDS = 1000

function checkIds(ids: unknown): void {
  if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every((id) => Number.isInteger(id) && id >= 0)) {
    throw new LiveRoundError('bad-value', 'a set of VIEW-CHANGEs is a list of replica ids')
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

/** The choice as the replica sends it: a value and a set V per recipient, null where the choice says nothing. */
export function deviationOf(choice: ByzantineChoice): Deviation {
  return {
    value: (to) => chosenValue(choice, to),
    viewChanges: (to) => choice.viewChangesFor?.[to] ?? choice.viewChanges ?? null,
  }
}
