import { shallowRef, watch, type Ref } from 'vue'
import { useDocumentVisibility } from '@vueuse/core'
import { LivePhase, Phase, type ReplicaView } from '@pbft/protocol'
import { seenNow, whatWasMissed, withActed, type SeenRound } from '../session/missedEvents'
import type { Sentence } from '../session/sentence'
import { browserStorage, jsonSerializer, useStoredValue, type StorageLike } from './useStoredValue'
import type { ConnectionState } from './useReplicaSession'

export interface MissedEventsOptions {
  sessionId: string
  nodeId: number
  view: Ref<ReplicaView | null>
  connection: Ref<ConnectionState>
  document?: Document
  storage?: StorageLike | null
}

export const SEEN_PREFIX = 'pbft.seen.'

function parseSeen(value: unknown): SeenRound | null {
  if (value === null || typeof value !== 'object') return null
  const { round, phase, acted } = value as Partial<SeenRound>
  if (!(round === null || (typeof round === 'number' && Number.isInteger(round)))) return null
  if (!(phase === null || LivePhase.safeParse(phase).success)) return null
  if (!Array.isArray(acted) || !acted.every((step) => Phase.safeParse(step).success)) return null
  return { round, phase: phase ?? null, acted }
}

/**
 * "While you were away": where this seat's phone last saw the round is kept (per seat, in
 * storage, so a reload remembers it), and only while the student is there to see it: the page
 * visible and connected. Coming back (a reload, the page shown again, a reconnection, the next
 * full view after it) compares the round now with that, and says what happened meanwhile.
 */
export function useMissedEvents(options: MissedEventsOptions) {
  const { view, connection } = options
  const key = `${SEEN_PREFIX}${options.sessionId.toUpperCase()}.${options.nodeId}`
  const seen = useStoredValue<SeenRound | null>(key, null, jsonSerializer(parseSeen), options.storage === undefined ? browserStorage() : options.storage)
  const visibility = useDocumentVisibility(options.document ? { document: options.document } : {})
  const missed = shallowRef<Sentence[]>([])

  // Opening the page is a coming back too; the first view decides whether anything was missed.
  let away = true
  let lastView: ReplicaView | null = null
  // After a reconnection the view on screen is stale until the server's full view arrives.
  let fresh = false

  watch([view, visibility, connection], ([current, visible, state]) => {
    if (state !== 'connected') {
      away = true
      fresh = false
      return
    }
    if (current !== lastView) {
      lastView = current
      fresh = current !== null
    }
    if (visible !== 'visible') {
      away = true
      return
    }
    if (!fresh || current === null) return
    if (away) {
      const said = whatWasMissed(seen.value, current)
      if (said.length > 0) missed.value = said
      away = false
    }
    seen.value = seenNow(current, seen.value)
  })

  return {
    /** What happened while away (empty: nothing, or dismissed). */
    missed,
    dismiss: (): void => {
      missed.value = []
    },
    /** This phone acted (or chose silence) in `phase` of `round`: not something it missed. */
    noteActed: (round: number, phase: Phase): void => {
      seen.value = withActed(seen.value, round, phase)
    },
  }
}
