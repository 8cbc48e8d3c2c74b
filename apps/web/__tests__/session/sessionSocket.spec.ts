import { describe, expect, it } from 'vitest'
import { command, SessionCommandError } from '../../src/session/sessionSocket'
import { FakeSocket } from '../participant/fakeSocket'

describe('command', () => {
  it('resolves with the acknowledgement of an accepted event', async () => {
    const socket = new FakeSocket({ sessionId: 'K7PX2M', seatToken: 't' })
    socket.answer = () => ({ ok: true, nodeId: 2, sent: 3 })
    await expect(command(socket.asSocket(), 'replica:act', { value: 'x' })).resolves.toEqual({ ok: true, nodeId: 2, sent: 3 })
    expect(socket.sent).toEqual([{ event: 'replica:act', payload: { value: 'x' } }])
  })

  it("rejects with the server's code and message when it refuses", async () => {
    const socket = new FakeSocket({ sessionId: 'K7PX2M', seatToken: 't' })
    socket.answer = () => ({ ok: false, error: { code: 'NOT_YOUR_TURN', message: 'wait for the prepare phase' } })
    const error = await command(socket.asSocket(), 'replica:skip', {}).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SessionCommandError)
    expect(error).toMatchObject({ code: 'NOT_YOUR_TURN', message: 'wait for the prepare phase' })
  })

  it('rejects with TIMEOUT when no answer comes in time', async () => {
    const socket = new FakeSocket({ sessionId: 'K7PX2M', seatToken: 't' })
    socket.answer = () => {
      throw new Error('operation has timed out')
    }
    await expect(command(socket.asSocket(), 'session:sync', {})).rejects.toMatchObject({ code: 'TIMEOUT' })
  })
})
