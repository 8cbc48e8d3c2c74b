import { computed, type ComputedRef, type Ref } from 'vue'
import type { LivePhase, MessageType, ReplicaAction } from '@pbft/protocol'
import { useI18n, type MessageKey } from '../i18n'
import { browserStorage, useStoredValue } from './useStoredValue'

/**
 * The words of the node page: plain language by default (participant, propose, prepare,
 * confirm, proposal content), or the PBFT terms (replica, pre-prepare, prepare, commit).
 */
export const TERMS = ['plain', 'pbft'] as const
export type Terms = (typeof TERMS)[number]

export const TERMS_STORAGE_KEY = 'pbft.terms'

/** The dictionary keys of one set of terms; pure, so it is unit-tested without a DOM. */
export function termKeys(terms: Terms) {
  const base = `participant.terms.${terms}` as const
  return {
    replica: `${base}.replica` as MessageKey,
    you: `${base}.you` as MessageKey,
    role: (role: 'primary' | 'backup') => `${base}.${role}` as MessageKey,
    value: `${base}.value` as MessageKey,
    phase: (phase: LivePhase) => `${base}.phases.${phase}` as MessageKey,
    action: (action: ReplicaAction) => `${base}.actions.${action}` as MessageKey,
    message: (phase: MessageType) => `${base}.messages.${phase}` as MessageKey,
    counter: (phase: 'prepare' | 'commit') => `${base}.counters.${phase}` as MessageKey,
    heading: (terms === 'plain' ? 'participant.node.heading' : 'participant.node.headingPbft') as MessageKey,
    word: (word: TermWord) => `${base}.words.${word}` as MessageKey,
  }
}

/** The words sentences of the phone's story take from the current terms. */
export const TERM_WORDS = ['replica', 'replicas', 'proposer', 'content', 'prepareOne', 'prepareMany', 'commitOne', 'commitMany', 'commitVerb', 'leader'] as const
export type TermWord = (typeof TERM_WORDS)[number]

/** One choice for the whole app, remembered across reloads (and followed across tabs). */
const current: Ref<Terms> = useStoredValue<Terms>(
  TERMS_STORAGE_KEY,
  'plain',
  { read: (raw) => (raw === 'pbft' ? 'pbft' : 'plain'), write: (terms) => terms },
  browserStorage(),
  { followOtherTabs: true },
)

export interface UseTerms {
  terms: Ref<Terms>
  keys: ComputedRef<ReturnType<typeof termKeys>>
  /** "participant 2" / "replica 2", or "you" for `self`. */
  who: (id: number, self?: number | null) => string
  role: (role: 'primary' | 'backup') => string
  phase: (phase: LivePhase) => string
  action: (action: ReplicaAction) => string
  message: (phase: MessageType) => string
  /** "2 of 2 prepares needed": the count stops at the quorum (more than enough is enough). */
  counter: (phase: 'prepare' | 'commit', count: number, needed: number) => string
  /**
   * The placeholders of the story's sentences in the current terms: {replica}, {replicas},
   * {proposer}, {content}, {commitVerb}, {leader} (the primary as a noun), and {prepares}/{commits}
   * agreeing with `count`.
   */
  words: (count?: number) => Record<string, string>
}

export function useTerms(): UseTerms {
  const { t } = useI18n()
  const keys = computed(() => termKeys(current.value))
  return {
    terms: current,
    keys,
    who: (id, self) => (self === id ? t(keys.value.you) : t(keys.value.replica, { id })),
    role: (role) => t(keys.value.role(role)),
    phase: (phase) => t(keys.value.phase(phase)),
    action: (action) => t(keys.value.action(action)),
    message: (phase) => t(keys.value.message(phase)),
    counter: (phase, count, needed) => t(keys.value.counter(phase), { count: Math.min(count, needed), needed }),
    words: (count) => {
      const word = (name: TermWord) => t(keys.value.word(name))
      const one = count === 1
      return {
        replica: word('replica'),
        replicas: word('replicas'),
        proposer: word('proposer'),
        content: word('content'),
        commitVerb: word('commitVerb'),
        leader: word('leader'),
        prepares: word(one ? 'prepareOne' : 'prepareMany'),
        commits: word(one ? 'commitOne' : 'commitMany'),
      }
    },
  }
}
