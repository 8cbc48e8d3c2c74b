import { io as connectClient } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { SlicedQueue } from '../../src/realtime/slicedQueue'
import { startLiveServer, within, type LiveServer } from '../integration/liveServer'

/** An admissions queue whose jobs run only when the test says so: the server's pace, made visible. */
class HeldQueue extends SlicedQueue {
  readonly held: (() => void)[] = []

  constructor() {
    super(3, (error) => {
      throw error
    })
  }

  override add(job: () => void): () => void {
    this.held.push(job)
    return () => {
      const index = this.held.indexOf(job)
      if (index >= 0) this.held.splice(index, 1)
    }
  }

  /** Runs every job queued so far; returns how many ran. */
  release(): number {
    const jobs = this.held.splice(0)
    for (const job of jobs) job()
    return jobs.length
  }
}

describe('connections are admitted at the admissions queue’s pace', () => {
  let server: LiveServer | null = null
  afterEach(async () => {
    await server?.close()
    server = null
  })

  it('completes a WebSocket handshake only when its turn in the queue comes', async () => {
    const admissions = new HeldQueue()
    server = await startLiveServer({ lanAddress: null, socket: { admissions } })
    const { sessionId } = await server.createSession({ nodeCount: 4 })
    const socket = connectClient(server.base, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { sessionId } })
    let info: unknown = null
    socket.on('session:update', (update) => (info = update))
    try {
      await expect.poll(() => admissions.held.length, { interval: 5 }).toBe(1)
      // Held: no handshake, however long it waits.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(socket.connected).toBe(false)
      // Its turn: the handshake completes, then the socket's entry is queued in turn as well.
      expect(admissions.release()).toBe(1)
      // Connected, and its entry queued.
      await expect.poll(() => socket.connected && admissions.held.length === 1, { interval: 5 }).toBe(true)
      expect(info).toBeNull()
      admissions.release()
      await expect.poll(() => info, { interval: 5 }).not.toBeNull()
      expect(info).toMatchObject({ sessionId })
    } finally {
      socket.disconnect()
    }
  })

  it('refuses an upgrade still waiting when the server shuts down, and the shutdown completes', async () => {
    const admissions = new HeldQueue()
    const live = await startLiveServer({ lanAddress: null, socket: { admissions } })
    server = live
    const socket = connectClient(live.base, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true })
    const refused = new Promise<void>((resolve) => socket.once('connect_error', () => resolve()))
    try {
      await expect.poll(() => admissions.held.length, { interval: 5 }).toBe(1)
      server = null
      const closed = live.close()
      await new Promise((resolve) => setImmediate(resolve))
      admissions.release()
      await within(refused, 'the waiting upgrade to be refused')
      await within(closed, 'the server to close')
      expect(socket.connected).toBe(false)
    } finally {
      socket.disconnect()
    }
  })
})
