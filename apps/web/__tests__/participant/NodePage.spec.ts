import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import type { SocketAuth } from '@pbft/protocol'
import NodePage from '../../src/pages/NodePage.vue'
import { useTerms } from '../../src/composables/useTerms'
import { createAppRouter } from '../../src/router'
import { loadSeat, saveSeat } from '../../src/session/seatToken'
import { CLASSIC_VIEWS, FakeSocket, replicaView, roundOutcome } from './fakeSocket'

const sockets: FakeSocket[] = []
vi.mock('../../src/session/sessionSocket', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/session/sessionSocket')>()
  return {
    ...actual,
    connectSession: (auth: SocketAuth) => {
      const socket = new FakeSocket(auth)
      sockets.push(socket)
      return socket.asSocket()
    },
  }
})

async function mountAt(path: string) {
  const router = createAppRouter(createMemoryHistory())
  await router.push(path)
  const wrapper = mount(NodePage, { global: { plugins: [router] } })
  await flushPromises()
  return { wrapper, router }
}

beforeEach(() => {
  sockets.length = 0
  localStorage.clear()
})
afterEach(() => {
  useTerms().terms.value = 'plain'
})

describe('the node page', () => {
  it('sends a browser without a seat back to the join page', async () => {
    const { router } = await mountAt('/node/K7PX2M/2')
    await flushPromises()
    expect(sockets).toHaveLength(0)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/join/K7PX2M?reason=no-seat'), { timeout: 5000 })
  })

  it('connects with the stored seat token and renders the view: role, counters, rejected messages, the action', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const { wrapper } = await mountAt('/node/K7PX2M/2')
    expect(sockets[0]?.auth).toEqual({ sessionId: 'K7PX2M', seatToken: 'token-2' })
    expect(wrapper.get('[data-testid=connection]').attributes('data-state')).toBe('connecting')
    sockets[0]!.serverEmit('connect')
    sockets[0]!.serverEmit('replica:view', replicaView())
    await flushPromises()
    expect(wrapper.find('[data-testid=connection]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=role]').text()).toBe('Participant')
    expect(wrapper.get('[data-testid=prepare-counter]').text()).toContain('2 of 2 prepares needed')
    expect(wrapper.get('[data-testid=commit-counter]').text()).toContain('0 of 2 confirms needed')
    expect(wrapper.get('[data-testid=rejected]').text()).toBe('⚠ tampering detected: rejected')
    expect(wrapper.get('[data-testid=act]').text()).toBe('Prepare')
    expect(wrapper.get('[data-testid=turn-announcement]').text()).toBe('Your turn: Prepare')

    await wrapper.get('[data-testid=terms-pbft]').trigger('click')
    expect(wrapper.get('[data-testid=node-heading]').text()).toBe('Replica 2')
    expect(wrapper.get('[data-testid=role]').text()).toBe('Backup')

    sockets[0]!.answer = (event, payload) => {
      expect(event).toBe('replica:act')
      expect(payload).toEqual({})
      return { ok: true, nodeId: 2, sent: 3 }
    }
    await wrapper.get('[data-testid=act]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid=act]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=waiting-others]').exists()).toBe(true)
  })

  it('adds the new messages of a delta view, and asks for the whole view when a delta does not fit', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const { wrapper } = await mountAt('/node/K7PX2M/2')
    const socket = sockets[0]!
    socket.serverEmit('connect')
    const whole = replicaView()
    socket.serverEmit('replica:view', whole)
    await flushPromises()
    expect(wrapper.findAll('[data-testid=received] li')).toHaveLength(3)
    const later = { index: 9, phase: 'commit' as const, from: 1, value: 'the proposal', status: 'delivered' as const, counted: true, ignoredReason: null }
    socket.serverEmit('replica:view', replicaView({ received: [later], receivedFrom: 3 }))
    await flushPromises()
    expect(wrapper.findAll('[data-testid=received] li')).toHaveLength(4)
    expect(socket.sent.filter((entry) => entry.event === 'session:sync')).toHaveLength(0)

    socket.serverEmit('replica:view', replicaView({ received: [later], receivedFrom: 7 }))
    await flushPromises()
    expect(wrapper.findAll('[data-testid=received] li')).toHaveLength(4)
    expect(socket.sent.filter((entry) => entry.event === 'session:sync')).toHaveLength(1)
  })

  it('lets a Byzantine participant equivocate or stay silent', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const { wrapper } = await mountAt('/node/K7PX2M/2')
    const byzantine = {
      kind: 'equivocate' as const,
      proposal: 'the proposal',
      conflictingValue: 'evil',
      defaultValues: { '0': 'the proposal', '1': 'evil', '3': 'evil' },
      canTamper: false,
    }
    sockets[0]!.serverEmit('replica:view', replicaView({ fault: 'equivocate', isByzantine: true, canSkip: true, byzantine }))
    await flushPromises()
    expect(wrapper.get('[data-testid=byzantine]').text()).toContain('equivocating')
    await wrapper.get('[data-testid=byz-mode-per-recipient] input').setValue(true)
    await wrapper.get('#byz-value-1').setValue('X')
    const sent: unknown[] = []
    sockets[0]!.answer = (event, payload) => {
      sent.push({ event, payload })
      return { ok: true, nodeId: 2, sent: 3 }
    }
    await wrapper.get('[data-testid=act]').trigger('click')
    await flushPromises()
    expect(sent).toEqual([{ event: 'replica:act', payload: { values: { '0': 'the proposal', '1': 'X', '3': 'evil' } } }])
    sockets[0]!.serverEmit('replica:view', replicaView({ phase: 'commit', action: 'commit', fault: 'equivocate', isByzantine: true, canSkip: true, byzantine }))
    await flushPromises()
    await wrapper.get('[data-testid=skip]').trigger('click')
    await flushPromises()
    expect(sent[1]).toEqual({ event: 'replica:skip', payload: {} })
  })

  it('shows the outcome, the reconnecting state and leaves when kicked', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const { wrapper, router } = await mountAt('/node/K7PX2M/2')
    const socket = sockets[0]!
    socket.serverEmit('connect')
    const outcome = {
      round: 1,
      seed: 1,
      nodes: 4,
      f: 1,
      success: false,
      failure: { phase: 'commit' as const, reason: 'commit: Nc=2 < N-f=3' },
      failureReason: 'commit: Nc=2 < N-f=3',
      decidedValue: null,
      decidedValues: ['a', 'b'],
      safetyViolation: true,
      sets: { prePrepared: 4, prepared: 3, committed: 2 },
      messages: { sent: 30, delivered: 30, dropped: 0, rejected: 0 },
      outcome: 'safety-violated' as const,
      quorumRule: 'original' as const,
      ...CLASSIC_VIEWS,
    }
    socket.serverEmit('replica:view', replicaView({ status: 'finished', phase: 'done', canAct: false, action: null, outcome }))
    await flushPromises()
    // A safety violation has its own (red) state: never "consensus", not a mere "no consensus".
    expect(wrapper.get('[data-testid=outcome]').attributes('data-success')).toBe('false')
    expect(wrapper.get('[data-testid=outcome]').attributes('data-state')).toBe('safety')
    expect(wrapper.get('[data-testid=outcome-verdict]').text()).toContain('Safety violated')
    expect(wrapper.get('[data-testid=safety-violation]').text()).toContain('Honest participants decided different values.')
    socket.serverEmit('disconnect', 'transport close')
    await flushPromises()
    expect(wrapper.get('[data-testid=connection]').text()).toBe('Connection lost: reconnecting…')
    socket.serverEmit('seat:kicked', { sessionId: 'K7PX2M', nodeId: 2, reason: 'kicked by the host' })
    await flushPromises()
    expect(loadSeat('K7PX2M')).toBeNull()
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/join/K7PX2M?reason=kicked'), { timeout: 5000 })
  })

  it('forgets a revoked seat and goes back to joining', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'stale' })
    const { router } = await mountAt('/node/K7PX2M/2')
    const socket = sockets[0]!
    socket.active = false
    socket.serverEmit('connect_error', Object.assign(new Error('revoked'), { data: { code: 'FORBIDDEN', message: 'revoked' } }))
    await flushPromises()
    expect(loadSeat('K7PX2M')).toBeNull()
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/join/K7PX2M?reason=revoked'), { timeout: 5000 })
  })

  it('keeps reconnecting quietly while the server is away', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const { wrapper } = await mountAt('/node/K7PX2M/2')
    sockets[0]!.serverEmit('connect_error', new Error('xhr poll error'))
    await flushPromises()
    expect(wrapper.get('[data-testid=connection]').attributes('data-state')).toBe('reconnecting')
    expect(loadSeat('K7PX2M')).not.toBeNull()
  })

  it('explains the step, shows a Byzantine student its goal, then whether it worked', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const { wrapper } = await mountAt('/node/K7PX2M/2')
    const socket = sockets[0]!
    socket.serverEmit('connect')
    const byzantine = { kind: 'equivocate' as const, proposal: 'the proposal', conflictingValue: 'the proposal′', defaultValues: { '0': 'the proposal', '1': 'the proposal′', '3': 'the proposal′' }, canTamper: false }
    socket.serverEmit('replica:view', replicaView({ fault: 'equivocate', isByzantine: true, canSkip: true, byzantine }))
    await flushPromises()
    expect(wrapper.get('[data-testid=step-explanation]').text()).toContain('An honest participant needs 2 matching prepares from others')
    expect(wrapper.get('[data-testid=goal-aim]').text()).toBe('Make two honest participants decide different values.')
    expect(wrapper.findAll('[data-testid=byz-defaults] [data-testid=value-tag]').map((tag) => tag.attributes('data-letter'))).toEqual(['A', 'B'])
    expect(wrapper.find('[data-testid=prepare-counter]').exists()).toBe(false)

    const split = roundOutcome({ round: 1, decidedValue: null, decidedValues: ['the proposal', 'the proposal′'], safetyViolation: true })
    socket.serverEmit('replica:view', replicaView({ fault: 'equivocate', isByzantine: true, byzantine, phase: 'done', canAct: false, action: null, outcome: split }))
    await flushPromises()
    expect(wrapper.get('[data-testid=goal-result]').attributes('data-worked')).toBe('true')
    expect(wrapper.get('[data-testid=outcome]').attributes('data-state')).toBe('safety')
  })

  it('tells a student who reloads what happened meanwhile', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const first = await mountAt('/node/K7PX2M/2')
    sockets[0]!.serverEmit('connect')
    sockets[0]!.serverEmit('replica:view', replicaView())
    await flushPromises()
    expect(first.wrapper.find('[data-testid=missed]').exists()).toBe(false)
    first.wrapper.unmount()

    const { wrapper } = await mountAt('/node/K7PX2M/2')
    const socket = sockets[1]!
    socket.serverEmit('connect')
    const sent = [0, 1, 3].map((to) => ({ index: 20 + to, phase: 'commit' as const, to, value: 'the proposal' }))
    socket.serverEmit('replica:view', replicaView({ phase: 'done', canAct: false, action: null, sent, outcome: roundOutcome({ round: 1, decidedValue: 'the proposal' }) }))
    await flushPromises()
    const missed = wrapper.get('[data-testid=missed]')
    expect(missed.text()).toContain('While you were away')
    expect(missed.text()).toContain('A bot played for you: Confirm.')
    await wrapper.get('[data-testid=missed-dismiss]').trigger('click')
    expect(wrapper.find('[data-testid=missed]').exists()).toBe(false)
  })

  it('folds a big class’s messages into counts per step, the list on demand', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    const { wrapper } = await mountAt('/node/K7PX2M/2')
    sockets[0]!.serverEmit('connect')
    const received = Array.from({ length: 40 }, (_, i) => ({
      index: i,
      phase: i === 0 ? ('pre-prepare' as const) : ('prepare' as const),
      from: i === 0 ? 0 : i + 2,
      value: 'the proposal',
      status: 'delivered' as const,
      counted: true,
      ignoredReason: null,
    }))
    sockets[0]!.serverEmit('replica:view', replicaView({ received }))
    await flushPromises()
    expect(wrapper.get('[data-testid=message-tally] tr[data-row=received] td[data-phase=prepare]').text()).toBe('39')
    expect(wrapper.findAll('[data-testid=received] li')).toHaveLength(0)
    await wrapper.get('[data-testid=received-more]').trigger('click')
    expect(wrapper.findAll('[data-testid=received] li')).toHaveLength(40)
    expect(wrapper.get('[data-testid=received-more]').attributes('aria-expanded')).toBe('true')
  })
})
