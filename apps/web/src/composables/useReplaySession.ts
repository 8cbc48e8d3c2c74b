import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import type { HistoryResponse, RoundTraceResponse, SessionInfo } from '@pbft/protocol'
import { ApiError } from '../apiClient'
import { getHistory, getRoundTrace, getSession } from '../session/hostApi'

/**
 * The history page's data: the session (for its topology), its rounds, and the trace of the
 * round being replayed. Loads again whenever the session or the round changes.
 */
export function useReplaySession(sessionId: Ref<string | null>, round: Ref<number | null>) {
  const info = shallowRef<SessionInfo | null>(null)
  const rounds = shallowRef<HistoryResponse['rounds']>([])
  const detail = shallowRef<RoundTraceResponse | null>(null)
  const loading = ref(false)
  const error = ref<{ code: string; message: string } | null>(null)
  let generation = 0

  const selected = computed(() => {
    if (round.value !== null && rounds.value.some((entry) => entry.round === round.value)) return round.value
    const finished = rounds.value.filter((entry) => !entry.aborted)
    return (finished.at(-1) ?? rounds.value.at(-1))?.round ?? null
  })

  async function loadSession(id: string | null): Promise<void> {
    const mine = ++generation
    info.value = null
    rounds.value = []
    detail.value = null
    error.value = null
    if (!id) return
    loading.value = true
    try {
      const [session, history] = await Promise.all([getSession(id), getHistory(id)])
      if (mine !== generation) return
      info.value = session
      rounds.value = history.rounds
    } catch (problem) {
      if (mine !== generation) return
      error.value = problem instanceof ApiError ? { code: problem.code, message: problem.message } : { code: 'ERROR', message: String(problem) }
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadRound(id: string | null, which: number | null): Promise<void> {
    if (!id || which === null) {
      detail.value = null
      return
    }
    if (detail.value?.round.round === which && detail.value.sessionId === id) return
    const mine = generation
    loading.value = true
    try {
      const answer = await getRoundTrace(id, which)
      if (mine === generation) detail.value = answer
    } catch (problem) {
      if (mine === generation) error.value = { code: problem instanceof ApiError ? problem.code : 'ERROR', message: String((problem as Error).message ?? problem) }
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  watch(sessionId, (id) => void loadSession(id), { immediate: true })
  watch([sessionId, selected], ([id, which]) => void loadRound(id, which), { immediate: true })

  return { info, rounds, detail, selected, loading, error, reload: () => loadSession(sessionId.value) }
}
