import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import type { SocketAuth } from '@pbft/protocol'
import JoinPage from '../../src/pages/JoinPage.vue'
import { createAppRouter } from '../../src/router'
import { loadSeat, saveSeat } from '../../src/session/seatToken'
import { FakeSocket, sessionInfo } from './fakeSocket'

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
  const wrapper = mount(JoinPage, { global: { plugins: [router] } })
  await flushPromises()
  return { wrapper, router }
}

function notFound(socket: FakeSocket): void {
  socket.active = false
  socket.serverEmit('connect_error', Object.assign(new Error('no such session'), { data: { code: 'NOT_FOUND', message: 'no such session' } }))
}

beforeEach(() => {
  sockets.length = 0
  localStorage.clear()
})
afterEach(() => vi.clearAllMocks())

describe('the join page', () => {
  it('says "session not found" for a bad code, and offers to type another', async () => {
    const { wrapper } = await mountAt('/join/zzzzzz')
    expect(sockets[0]?.auth).toEqual({ sessionId: 'ZZZZZZ' })
    notFound(sockets[0]!)
    await flushPromises()
    expect(wrapper.get('[data-testid=join-not-found]').text()).toBe('Session ZZZZZZ was not found. Check the code on the projector.')
    expect(wrapper.find('#join-code').exists()).toBe(true)
    expect(sockets[0]?.disconnected).toBe(true)
  })

  it('opens a typed code, normalised, and refuses one that cannot be a code', async () => {
    const { wrapper, router } = await mountAt('/join')
    expect(sockets).toHaveLength(0)
    await wrapper.get('#join-code').setValue('!!')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid=join-code-invalid]').exists()).toBe(true)
    await wrapper.get('#join-code').setValue(' k7px2m ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/join/K7PX2M'), { timeout: 5000 })
    expect(sockets[0]?.auth).toEqual({ sessionId: 'K7PX2M' })
  })

  it('shows free and taken seats, claims one and keeps its token', async () => {
    const { wrapper, router } = await mountAt('/join/K7PX2M')
    const socket = sockets[0]!
    socket.serverEmit('session:update', sessionInfo())
    await flushPromises()
    expect(wrapper.get('[data-testid=seat-summary]').text()).toBe('1 of 4 seats taken, 2 free')
    expect(wrapper.get('[data-testid=seat-1]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid=seat-3]').attributes('data-state')).toBe('reserved')
    socket.answer = (event, payload) => {
      expect(event).toBe('seat:claim')
      expect(payload).toEqual({ nodeId: 2, name: 'Ada' })
      return { ok: true, sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2', role: 'backup', fault: 'honest', isByzantine: false }
    }
    await wrapper.get('#join-name').setValue('  Ada ')
    await wrapper.get('[data-testid=seat-2]').trigger('click')
    await wrapper.get('[data-testid=take-seat]').trigger('click')
    await flushPromises()
    expect(loadSeat('K7PX2M')).toEqual({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'token-2' })
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/node/K7PX2M/2'), { timeout: 5000 })
  })

  it('words the errors of claiming: seat taken, locked', async () => {
    const { wrapper } = await mountAt('/join/K7PX2M')
    const socket = sockets[0]!
    socket.serverEmit('session:update', sessionInfo())
    await flushPromises()
    socket.answer = () => ({ ok: false, error: { code: 'SEAT_TAKEN', message: 'seat 2 is taken' } })
    await wrapper.get('[data-testid=seat-2]').trigger('click')
    await wrapper.get('[data-testid=take-seat]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=claim-error]').text()).toBe('Seat 2 was just taken. Pick another one.')
    socket.answer = () => ({ ok: false, error: { code: 'LOCKED', message: 'locked' } })
    await wrapper.get('[data-testid=auto-assign]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=claim-error]').text()).toBe('The host has locked joining. Ask them to unlock it.')
    socket.serverEmit('session:update', sessionInfo({ locked: true }))
    await flushPromises()
    expect(wrapper.find('[data-testid=join-locked]').exists()).toBe(true)
    expect(wrapper.get('[data-testid=auto-assign]').attributes('disabled')).toBeDefined()
  })

  it('offers to continue with the seat this browser already holds', async () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 3, seatToken: 't' })
    const { wrapper, router } = await mountAt('/join/k7px2m?reason=kicked')
    sockets[0]!.serverEmit('session:update', sessionInfo())
    await flushPromises()
    expect(wrapper.get('[data-testid=join-notice]').text()).toContain('gave your seat back to a bot')
    expect(wrapper.get('[data-testid=continue]').text()).toBe('Continue as participant 3')
    await wrapper.get('[data-testid=continue]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/node/K7PX2M/3'), { timeout: 5000 })
  })
})
