import type { Phase } from '@pbft/protocol'

/**
 * A sentence of the projector's story of a round, before translation: a key under `host.story`
 * and typed parameters (replicas, values, phases, nested clauses), said by storyText.ts.
 */

/** A parameter of a story sentence; the formatter knows how to say each kind. */
export type StoryParam =
  | number
  | string
  | { replicas: readonly number[] }
  | { value: string }
  | { values: readonly string[] }
  | { phase: Phase }
  /** A phase's messages: "prepares"; `one`: "prepare". */
  | { messages: Phase; one?: boolean }
  | { clauses: readonly StoryLine[] }

/** A key under `host.story`, with its parameters. */
export interface StoryLine {
  key: StoryKey
  params: Readonly<Record<string, StoryParam>>
}

export type StoryKey =
  | 'success'
  | 'successTolerated'
  | 'successDespiteLosses'
  | 'successDespiteLossesOne'
  | 'safetySplit'
  | 'committedValue'
  | 'safetyTooMany'
  | 'safetyQuorum'
  | 'tooFewHonest'
  | 'primarySilent'
  | 'causeSo'
  | 'effectOnly'
  | 'causeSilent'
  | 'causeSilentByzantine'
  | 'causeFewSenders'
  | 'causeLost'
  | 'causeLostOne'
  | 'causeForged'
  | 'causeForgedOne'
  | 'causeMismatch'
  | 'causeMismatchOne'
  | 'effectNoProposal'
  | 'effectShortOne'
  | 'effectShortMany'
  | 'effectShortRange'
  | 'conclusion'
  | 'viewDecided'
  | 'viewsTried'
  | 'causeRefusedNewView'

export const line = (key: StoryKey, params: Record<string, StoryParam> = {}): StoryLine => ({ key, params })
