import { effectScope, nextTick, ref, shallowRef } from 'vue'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ReplicaView } from '@pbft/protocol'
import { useMissedEvents } from '../../src/composables/useMissedEvents'
import type { ConnectionState } from '../../src/composables/useReplicaSession'
import { useSentences } from '../../src/composables/useSentences'
import { whatWasMissed, withActed, type SeenRound } from '../../src/session/missedEvents'
import { replicaView, roundOutcome } from '../participant/fakeSocket'

const sent = (phase: 'prepare' | 'commit') => [0, 1, 3].map((to, i) => ({ index: i + (phase === 'commit' ? 10 : 0), phase, to, value: 'lunch' }))
const doneView = (overrides: Partial<ReplicaView> = {}) =>
  replicaView({ phase: 'done', status: 'finished', canAct: false, action: null, outcome: roundOutcome({ round: 1 }), round: 1, ...overrides })

function say(seen: SeenRound | null, view: ReplicaView): string[] {
  const { say: said } = useSentences()
  return whatWasMissed(seen, view).map(said)
}

describe('what a student missed', () => {
  it('nothing on a first visit, or when nothing moved', () => {
    expect(say(null, replicaView())).toEqual([])
    expect(say({ round: 1, phase: 'prepare', acted: [] }, replicaView({ round: 1 }))).toEqual([])
  })

  it('the round that ended while away, and the steps a bot played for this seat', () => {
    const view = doneView({ sent: [...sent('prepare'), ...sent('commit')] })
    expect(say({ round: null, phase: null, acted: [] }, view)).toEqual(['Round 1 decided lunch.', 'A bot played for you: Prepare and Confirm.'])
    // Its own prepare was the student's: only the commit was played for it.
    expect(say(withActed({ round: 1, phase: 'prepare', acted: [] }, 1, 'prepare'), view)).toEqual(['Round 1 decided lunch.', 'A bot played for you: Confirm.'])
  })

  it('the steps in which the seat stayed silent, and rounds played meanwhile', () => {
    const silent = doneView({ round: 3, outcome: roundOutcome({ round: 3, success: false, decidedValue: null, decidedValues: [] }) })
    expect(say({ round: 1, phase: 'commit', acted: ['prepare'] }, silent)).toEqual([
      'Rounds 1 to 3 were played.',
      'Round 3 ended without a decision.',
      'Your seat stayed silent: Prepare and Confirm.',
    ])
    const running = replicaView({ round: 2, phase: 'commit', action: 'commit' })
    expect(say({ round: 1, phase: 'prepare', acted: [] }, running)).toEqual(['Round 1 ended.', 'Your seat stayed silent: Prepare.'])
    const split = doneView({ outcome: roundOutcome({ round: 1, safetyViolation: true, decidedValue: null, decidedValues: ['a', 'b'] }) })
    expect(say({ round: 1, phase: 'commit', acted: ['prepare', 'commit'] }, split)).toEqual(['In round 1, honest participants decided different values.'])
  })
})

describe('useMissedEvents', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' })
  })

  function mount(view = shallowRef<ReplicaView | null>(null), connection = ref<ConnectionState>('connecting')) {
    const scope = effectScope()
    const missed = scope.run(() => useMissedEvents({ sessionId: 'k7px2m', nodeId: 2, view, connection, document }))!
    return { missed, view, connection, scope }
  }

  it('remembers where the phone was across a reload, and tells what happened since, once', async () => {
    const first = mount()
    first.connection.value = 'connected'
    first.view.value = replicaView({ round: 1, phase: 'prepare' })
    await nextTick()
    expect(first.missed.missed.value).toEqual([])
    first.missed.noteActed(1, 'prepare')
    expect(JSON.parse(localStorage.getItem('pbft.seen.K7PX2M.2') ?? 'null')).toEqual({ round: 1, phase: 'prepare', acted: ['prepare'] })
    first.scope.stop()

    // The reloaded page: the round finished meanwhile, a bot committed for this seat.
    const second = mount()
    second.connection.value = 'connected'
    second.view.value = doneView({ sent: [...sent('prepare'), ...sent('commit')] })
    await nextTick()
    expect(second.missed.missed.value.map((sentence) => sentence.key)).toEqual(['participant.node.missed.decided', 'participant.node.missed.bot'])
    second.missed.dismiss()
    expect(second.missed.missed.value).toEqual([])
    second.scope.stop()

    const third = mount()
    third.connection.value = 'connected'
    third.view.value = doneView({ sent: [...sent('prepare'), ...sent('commit')] })
    await nextTick()
    expect(third.missed.missed.value).toEqual([])
    third.scope.stop()
  })

  it('counts a hidden page and a reconnection as away, and waits for the fresh view after reconnecting', async () => {
    const { missed, view, connection, scope } = mount()
    connection.value = 'connected'
    view.value = replicaView({ round: 1, phase: 'prepare' })
    await nextTick()

    // Hidden: views keep coming, but nobody sees them.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
    document.dispatchEvent(new Event('visibilitychange'))
    view.value = replicaView({ round: 1, phase: 'commit', action: 'commit' })
    await nextTick()
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' })
    document.dispatchEvent(new Event('visibilitychange'))
    await nextTick()
    expect(missed.missed.value.map((sentence) => sentence.key)).toEqual(['participant.node.missed.silent'])
    missed.dismiss()

    // A reconnection: the view on screen is stale until the server's full view arrives.
    connection.value = 'reconnecting'
    await nextTick()
    connection.value = 'connected'
    await nextTick()
    expect(missed.missed.value).toEqual([])
    view.value = doneView({ sent: sent('commit') })
    await nextTick()
    expect(missed.missed.value.map((sentence) => sentence.key)).toEqual(['participant.node.missed.decided', 'participant.node.missed.bot'])
    scope.stop()
  })
})
