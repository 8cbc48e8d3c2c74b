import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import type { ReplicaView, SocketAuth } from '@pbft/protocol'
import NodePage from '../../src/pages/NodePage.vue'
import { useTerms } from '../../src/composables/useTerms'
import { translate } from '../../src/i18n'
import { createAppRouter } from '../../src/router'
import { saveSeat } from '../../src/session/seatToken'
import { stepExplanation } from '../../src/session/stepExplanation'
import { tellPhoneOutcome } from '../../src/story/outcomeStory'
import { FakeSocket, replicaView, roundOutcome } from './fakeSocket'

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

async function phone(nodeId: number) {
  saveSeat({ sessionId: 'K7PX2M', nodeId, seatToken: `token-${nodeId}` })
  const router = createAppRouter(createMemoryHistory())
  await router.push(`/node/K7PX2M/${nodeId}`)
  const wrapper = mount(NodePage, { global: { plugins: [router] } })
  await flushPromises()
  const socket = sockets.at(-1) as FakeSocket
  socket.serverEmit('connect')
  return { wrapper, socket }
}

const NOW = Date.now()
const timer = (running: boolean, deadline = NOW + 7_000) => ({ view: 0, durationMs: 10_000, startedAt: deadline - 10_000, deadline, expired: deadline <= NOW, running })

/** Replica `nodeId` in a view-change round at N = 4: view 0 played by a silent primary 0. */
function viewsView(nodeId: number, overrides: Partial<ReplicaView> = {}): ReplicaView {
  const base = replicaView({ nodeId, received: [], sent: [], canAct: false, action: null, recipients: [] })
  return {
    ...base,
    phase: 'pre-prepare',
    view: 0,
    primary: 0,
    timer: timer(true),
    canAskNewPrimary: false,
    newPrimary: null,
    client: null,
    snapshot: base.snapshot && { ...base.snapshot, view: 0, timerRunning: true, newView: null, viewChange: null },
    ...overrides,
  }
}

beforeEach(() => {
  sockets.length = 0
  localStorage.clear()
})
afterEach(() => {
  useTerms().terms.value = 'plain'
})

describe('the view change on a phone', () => {
  it('shows the view timer while the request is pending, and "Ask for a new primary" only once it ran out', async () => {
    const { wrapper, socket } = await phone(2)
    socket.serverEmit('replica:view', viewsView(2))
    await flushPromises()
    expect(wrapper.get('[data-testid=phone-view-timer]').text()).toMatch(/Your view timer: \d s left/)
    expect(wrapper.get('[data-testid=phone-view]').text()).toBe('View 0 · Proposer: participant 0')
    expect(wrapper.find('[data-testid=ask-new-primary]').exists()).toBe(false)

    socket.serverEmit('replica:view', viewsView(2, { phase: 'view-change', timer: timer(true, NOW - 1), canAskNewPrimary: true, canAct: true, action: 'view-change' }))
    await flushPromises()
    expect(wrapper.get('[data-testid=phone-view-timer]').text()).toBe('Your view timer ran out')
    expect(wrapper.get('[data-testid=ask-new-primary]').text()).toBe('Ask for a new proposer')
    // The generic action button does not offer the same step twice.
    expect(wrapper.find('[data-testid=act]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=step-explanation]').attributes('data-key')).toBe('participant.views.explain.ask')
    await wrapper.get('[data-testid=terms-pbft]').trigger('click')
    expect(wrapper.get('[data-testid=ask-new-primary]').text()).toBe('Ask for a new primary')

    socket.answer = () => ({ ok: true, nodeId: 2, view: 1, sent: 3 })
    await wrapper.get('[data-testid=ask-new-primary]').trigger('click')
    await flushPromises()
    expect(socket.sent.at(-1)).toEqual({ event: 'replica:view-change', payload: {} })
    expect(wrapper.find('[data-testid=ask-new-primary]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=asked]').text()).toBe('You asked for a new primary. Waiting for the others…')
  })

  it('shows the new primary the VIEW-CHANGEs it collected (k of Q) and "Send NEW-VIEW" only when it may send', async () => {
    const { wrapper, socket } = await phone(1)
    const collecting = { view: 1, viewChangesFrom: [1, 2], needed: 2, canSend: false, reProposal: null }
    socket.serverEmit('replica:view', viewsView(1, { phase: 'view-change', view: 1, primary: 1, role: 'primary', newPrimary: collecting }))
    await flushPromises()
    expect(wrapper.get('[data-testid=new-primary]').text()).toContain('Requests for a new proposer: 1 of 2 needed')
    expect(wrapper.find('[data-testid=send-new-view]').exists()).toBe(false)

    const ready = { ...collecting, viewChangesFrom: [1, 2, 3], canSend: true, reProposal: { value: 'the proposal', certificateView: null, certificateFrom: null } }
    socket.serverEmit('replica:view', viewsView(1, { phase: 'new-view', view: 1, primary: 1, role: 'primary', newPrimary: ready, canAct: true, action: 'new-view' }))
    await flushPromises()
    expect(wrapper.get('[data-testid=collected]').text()).toContain('2 of 2 needed')
    expect(wrapper.get('[data-testid=re-proposal]').text()).toContain('the client’s request')
    expect(wrapper.find('[data-testid=other-value]').exists()).toBe(false)
    socket.answer = () => ({ ok: true, nodeId: 1, view: 1, sent: 3 })
    await wrapper.get('[data-testid=send-new-view]').trigger('click')
    await flushPromises()
    expect(socket.sent.at(-1)).toEqual({ event: 'replica:new-view', payload: {} })
    expect(wrapper.find('[data-testid=send-new-view]').exists()).toBe(false)
  })

  it('lets a Byzantine new primary propose another value, and an honest backup says it refused it', async () => {
    const { wrapper, socket } = await phone(1)
    const ready = { view: 1, viewChangesFrom: [1, 2, 3], needed: 2, canSend: true, reProposal: { value: 'the proposal', certificateView: null, certificateFrom: null } }
    socket.serverEmit('replica:view', viewsView(1, { phase: 'new-view', view: 1, primary: 1, role: 'primary', fault: 'wrong-value', isByzantine: true, newPrimary: ready, canAct: true, action: 'new-view' }))
    await flushPromises()
    await wrapper.get('[data-testid=other-value-toggle]').setValue(true)
    await wrapper.get('[data-testid=other-value-input]').setValue('pizza')
    await wrapper.get('[data-testid=send-new-view]').trigger('click')
    await flushPromises()
    expect(socket.sent.at(-1)).toEqual({ event: 'replica:new-view', payload: { value: 'pizza' } })

    const backup = await phone(2)
    const base = viewsView(2, { phase: 'new-view', view: 1, primary: 1 })
    const newView = { view: 1, from: 1, value: 'pizza', accepted: false, reason: 'wrong-re-proposal', detail: 'it re-proposes pizza, not the proposal' }
    backup.socket.serverEmit('replica:view', { ...base, snapshot: base.snapshot && { ...base.snapshot, newView } })
    await flushPromises()
    const verdict = backup.wrapper.get('[data-testid=new-view-verdict]')
    expect(verdict.attributes('data-accepted')).toBe('false')
    expect(verdict.text()).toContain('You refused the new proposer’s proposal')
    expect(verdict.text()).toContain('pizza')
  })

  it('gives the client’s seat "Send request" while its request is due, and its replies', async () => {
    const { wrapper, socket } = await phone(3)
    const client = { id: 4, seat: 3, request: 'the proposal', requestsSent: 0, accepted: false, acceptedValue: null, needed: 2, matching: 0, replies: [], requestDue: true }
    socket.serverEmit('replica:view', viewsView(3, { phase: 'request', client }))
    await flushPromises()
    expect(wrapper.get('[data-testid=step-explanation]').attributes('data-key')).toBe('participant.views.explain.requestClient')
    socket.answer = () => ({ ok: true, nodeId: 3, sent: 1 })
    await wrapper.get('[data-testid=send-request]').trigger('click')
    await flushPromises()
    expect(socket.sent.at(-1)).toEqual({ event: 'client:request', payload: {} })
    const done = { ...client, requestDue: false, requestsSent: 2, accepted: true, acceptedValue: 'the proposal', matching: 2, replies: [{ value: 'the proposal', from: [1, 2] }] }
    socket.serverEmit('replica:view', viewsView(3, { phase: 'reply', view: 1, primary: 1, client: done }))
    await flushPromises()
    expect(wrapper.find('[data-testid=send-request]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=client-panel] [data-testid=client-replies]').text()).toContain('2 of 2 matching replies: accepted')
  })

  it('explains each new step in both vocabularies and languages, with the numbers of the round', () => {
    const newPrimary = { view: 1, viewChangesFrom: [1], needed: 2, canSend: false, reProposal: null }
    const collect = stepExplanation(viewsView(1, { phase: 'view-change', view: 1, primary: 1, newPrimary }))
    expect(collect).toEqual({ key: 'participant.views.explain.collect', params: { k: 2 }, count: 2 })
    expect(stepExplanation(viewsView(2, { phase: 'reply' }), 1)).toMatchObject({ key: 'participant.views.explain.replyWait', params: { k: 2 } })
    expect(stepExplanation(viewsView(2, { phase: 'new-view', view: 1 }))?.key).toBe('participant.views.explain.newViewWait')
    const zh = translate('zh-CN', 'participant.views.explain.collect', { k: 2, leader: '主节点' })
    expect(zh).toContain('2 个更换主节点请求')
    expect(zh).not.toMatch(/[A-Za-z]{3,}/)
  })

  it('tells a phone in which view the round was decided and which primary was replaced', () => {
    const outcome = roundOutcome({ decidedValue: 'lunch', view: 1, primary: 1, viewChanges: 1, replacedPrimaries: [0], maxViews: 4, clientAccepted: true, clientValue: 'lunch' })
    const story = tellPhoneOutcome(outcome, viewsView(2, { phase: 'done' }))
    expect(story.views).toEqual([
      { key: 'participant.views.story.view', params: { view: 1 }, who: { ids: [1], self: 2 } },
      { key: 'participant.views.story.replaced', who: { ids: [0], self: 2 } },
    ])
  })
})
