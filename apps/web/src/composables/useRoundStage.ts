import { computed, ref, watch } from 'vue'
import type { LivePhase, MessageType, Phase, RoundOutcome, SeatInfo, TracedMessage } from '@pbft/protocol'
import type { CounterRow } from '../components/host/counterRows'
import { useI18n } from '../i18n'
import { ValuePalette } from '../session/valueColours'
import { useOutcomeStory } from './useOutcomeStory'
import type { TopologyNodeState } from './useTopologyLayout'
import { linkStatus, registerValues, topologyLinks, type LinkStatus } from './useTopologyLinks'
import { replicaList, valueName } from '../story/storyText'

/**
 * What the round stage shows, for the live dashboard and the replay alike: the round's value
 * palette, the replicas as drawn, the messages of the phase on show, how far the replicas got,
 * and the outcome's story. The phase on show follows the round (the phase being played, then
 * the phase that failed) until the lecturer picks another; a new round follows again.
 */

export interface RoundStageSource {
  nodeCount: () => number
  f: () => number
  round: () => number | null
  proposal: () => string
  /** The messages so far (a replay: up to its position). */
  trace: () => readonly TracedMessage[]
  rows: () => readonly CounterRow[]
  /** The phase being played, while the round runs. */
  livePhase: () => LivePhase | null
  /** The finished round's outcome (null while it runs). */
  outcome: () => RoundOutcome | null
  seats?: () => readonly SeatInfo[]
  /** The primary of the view on show (0 in a classic round). */
  primary?: () => number
  /** The part of the view timer left (0..1), drawn on replicas whose timer runs; null: none. */
  timerLeft?: () => number | null
}

/** Honest replicas that got through each phase, and how many must. */
export interface StageProgress {
  nodes: number
  honest: number
  needed: number
  prePrepared: number
  prepared: number
  committed: number
}

/** A large round's counters of one phase: how they spread over the replicas. */
export interface CountSpread {
  phase: Exclude<Phase, 'pre-prepare'>
  min: number
  median: number
  max: number
  quorum: number
  reached: number
  total: number
}

export function useRoundStage(source: RoundStageSource) {
  const palette = computed(() => registerValues(new ValuePalette(source.proposal()), source.trace()))
  const picked = ref<MessageType | null>(null)
  watch(source.round, () => (picked.value = null))

  const storyInput = computed(() => {
    const outcome = source.outcome()
    return outcome ? { outcome, rows: source.rows(), trace: source.trace() } : null
  })
  const { story, sentences } = useOutcomeStory(storyInput, palette)

  const followedPhase = computed<MessageType | null>(() => {
    if (source.outcome()) return story.value?.failurePhase ?? 'commit'
    const live = source.livePhase()
    if (live && live !== 'done') return live
    return source.trace().at(-1)?.phase ?? null
  })
  const shownPhase = computed<MessageType | null>(() => picked.value ?? followedPhase.value)
  function showPhase(phase: MessageType | null): void {
    picked.value = phase
  }

  const links = computed(() => topologyLinks(source.trace(), shownPhase.value, palette.value, source.nodeCount()))

  const nodes = computed<TopologyNodeState[]>(() => {
    const seats = new Map((source.seats?.() ?? []).map((seat) => [seat.nodeId, seat]))
    const phase = shownPhase.value
    const rows = source.rows()
    const timer = source.timerLeft?.() ?? null
    if (rows.length === 0) {
      return [...seats.values()].map((seat) => ({ id: seat.nodeId, byzantine: seat.isByzantine, prepared: false, committed: false, human: seat.holder === 'human', name: seat.name }))
    }
    return rows.map((row) => {
      const seat = seats.get(row.id)
      const value = row.decided ?? row.accepted
      const style = value === null ? null : palette.value.styleOf(value)
      const seen = phase === 'prepare' ? row.prepares : phase === 'commit' ? row.commits : null
      return {
        id: row.id,
        byzantine: !row.honest,
        prepared: row.prepared,
        committed: row.committed,
        pending: row.pending,
        value: style && { letter: style.letter, colour: style.colour },
        human: seat?.holder === 'human',
        name: seat?.name ?? null,
        count: row.honest && seen !== null ? { seen, quorum: phase === 'prepare' ? row.prepareQuorum : row.commitQuorum } : null,
        timer: row.timerRunning && timer !== null ? timer : null,
      }
    })
  })

  const progress = computed<StageProgress>(() => {
    const nodes = source.nodeCount()
    const honest = source.rows().filter((row) => row.honest)
    return {
      nodes,
      honest: honest.length,
      needed: nodes - source.f(),
      prePrepared: honest.filter((row) => row.accepted !== null).length,
      prepared: honest.filter((row) => row.prepared).length,
      committed: honest.filter((row) => row.committed).length,
    }
  })

  /** Values of this round, in letter order, for the legend. */
  const values = computed(() => {
    const seen = new Set<string>([source.proposal()])
    for (const message of source.trace()) {
      const value = message.status === 'dropped' ? message.value : (message.deliveredValue ?? message.value)
      if (message.phase !== 'view-change' && value !== '') seen.add(value)
    }
    return [...seen].sort((a, b) => palette.value.styleOf(a).letter.localeCompare(palette.value.styleOf(b).letter))
  })

  /** For a large round: how the counters of the phase on show spread over the replicas. */
  const spread = computed<CountSpread | null>(() => {
    const phase = shownPhase.value
    if (source.nodeCount() <= 16 || (phase !== 'prepare' && phase !== 'commit')) return null
    const entered = source.rows().filter((row) => row.honest && (phase === 'prepare' ? row.accepted !== null : row.prepared))
    if (entered.length === 0) return null
    const counts = entered.map((row) => (phase === 'prepare' ? row.prepares : row.commits)).sort((a, b) => a - b)
    // Replicas may need different counts (castro-liskov: the primary, and who voted already): the largest need.
    const quorum = Math.max(0, ...entered.map((row) => (phase === 'prepare' ? row.prepareQuorum : row.commitQuorum)))
    const reached = entered.filter((row) => (phase === 'prepare' ? row.prepared : row.committed)).length
    return { phase, min: counts[0] ?? 0, max: counts.at(-1) ?? 0, median: counts[Math.floor(counts.length / 2)] ?? 0, quorum, reached, total: entered.length }
  })

  const { t, locale } = useI18n()
  /** The drawing in words: its text alternative. */
  const description = computed(() => {
    const format = { t, locale: locale.value, palette: palette.value }
    const sentences = [t('host.stage.describe.nodes', { nodes: source.nodeCount(), primary: source.primary?.() ?? 0 })]
    const phase = shownPhase.value
    if (phase) {
      const counts: Record<LinkStatus, number> = { delivered: 0, dropped: 0, rejected: 0, forged: 0 }
      for (const message of source.trace()) if (message.phase === phase) counts[linkStatus(message)]++
      sentences.push(t('host.stage.describe.phase', { phase: t(`host.phases.${phase}`), ...counts }))
    }
    const rows = source.rows()
    for (const group of story.value?.decided ?? decidedOf(rows)) {
      sentences.push(t('host.stage.describe.committed', { replicas: replicaList(group.replicas, format), value: valueName(group.value, format) }))
    }
    const prepared = rows.filter((row) => row.prepared && !row.committed).map((row) => row.id)
    if (prepared.length > 0) sentences.push(t('host.stage.describe.prepared', { replicas: replicaList(prepared, format) }))
    const byzantine = rows.filter((row) => !row.honest).map((row) => row.id)
    if (byzantine.length > 0) sentences.push(t('host.stage.describe.byzantine', { replicas: replicaList(byzantine, format) }))
    return sentences.join(' ')
  })

  return { palette, shownPhase, showPhase, links, nodes, progress, spread, values, story, sentences, description }
}

function decidedOf(rows: readonly CounterRow[]): { value: string; replicas: number[] }[] {
  const groups = new Map<string, number[]>()
  for (const row of rows) if (row.honest && row.decided !== null) groups.set(row.decided, [...(groups.get(row.decided) ?? []), row.id])
  return [...groups].map(([value, replicas]) => ({ value, replicas }))
}
