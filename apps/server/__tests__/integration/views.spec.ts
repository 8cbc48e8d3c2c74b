import type { HistoryResponse, ReplicaView, RoundOutcome, RoundTraceResponse, TracedMessage } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { autoPlay, Client, startLiveServer, type LiveServer } from './liveServer'

/**
 * Views and the client over real sockets (issue 13): a faulty primary is replaced, a value
 * prepared in view 0 survives into view 1, a human new primary sends NEW-VIEW, a lying one is
 * refused, the host forces a view, and who may take each step.
 */

/** Bots act at once; the view timer of view 0 is short, so view changes come quickly. */
const FAST = { pacingMs: 5, phaseTimeoutMs: 4000, phaseGapMs: 5, viewTimeoutMs: 300, quorumRule: 'castro-liskov' } as const
/** Three views of timers (0.3 + 0.6 + 1.2 s) and their phases, on a loaded machine. */
const VIEWS_MS = 12_000

describe('views and the client (sockets, a real server)', { timeout: 20_000 }, () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer({ sessions: { sessionsPerClient: null } })
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  async function hostOf(created: { sessionId: string; hostToken: string }): Promise<Client> {
    const host = await Client.connect(server.base, { sessionId: created.sessionId, hostToken: created.hostToken })
    clients.push(host)
    return host
  }

  async function phone(sessionId: string, nodeId: number): Promise<Client> {
    const seat = await server.claim(sessionId, { nodeId, name: `student ${nodeId}` })
    const client = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    clients.push(client)
    await client.until(() => client.replica !== null, `seat ${nodeId}'s first view`)
    return client
  }

  async function playRound(host: Client, ms = VIEWS_MS): Promise<RoundOutcome> {
    const before = host.outcomes.length
    const ack = await host.emit('host:start-round')
    expect(ack.ok, JSON.stringify(ack)).toBe(true)
    await host.until(() => host.outcomes.length > before, 'the round outcome', ms)
    const outcome = host.outcomes.at(-1)
    if (!outcome) throw new Error('no outcome')
    return outcome
  }

  async function traceOf(sessionId: string, round: number): Promise<RoundTraceResponse> {
    const response = await server.request<RoundTraceResponse>('GET', `/api/sessions/${sessionId}/history?round=${round}`)
    expect(response.status).toBe(200)
    return response.body
  }

  const ofType = (trace: readonly TracedMessage[], phase: TracedMessage['phase'], view?: number): TracedMessage[] =>
    trace.filter((m) => m.phase === phase && (view === undefined || m.view === view))

  it('N = 4, replica 0 silent (a bot), p = 100 %: the round decides in view 1 with primary 1, and the client accepts', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, faults: { 0: 'silent' } })
    const host = await hostOf(created)
    const outcome = await playRound(host)
    expect(outcome).toMatchObject({
      success: true,
      outcome: 'success',
      decidedValue: 'the proposal',
      view: 1,
      primary: 1,
      viewChanges: 1,
      replacedPrimaries: [0],
      clientAccepted: true,
      clientValue: 'the proposal',
      maxViews: 4,
    })
    // The projector shows the client's f + 1 matching replies and the view the round ended in.
    await host.until(() => host.host?.status === 'finished', 'the finished host view')
    expect(host.host).toMatchObject({ view: 1, primary: 1, viewChanges: 1, replacedPrimaries: [0] })
    expect(host.host?.client).toMatchObject({ id: 4, seat: null, accepted: true, acceptedValue: 'the proposal', needed: 2 })
    expect(host.host?.client?.matching).toBeGreaterThanOrEqual(2)
    expect(host.host?.seats.find((seat) => seat.role === 'primary')?.nodeId).toBe(1)

    // REST history: every round carries view, primary, viewChanges and clientAccepted.
    const history = await server.request<HistoryResponse>('GET', `/api/sessions/${created.sessionId}/history`)
    expect(history.body.schemaVersion).toBe(2)
    expect(history.body.rounds[0]).toMatchObject({ round: 1, view: 1, primary: 1, viewChanges: 1, clientAccepted: true, maxViews: 4, aborted: false })
    // The replay holds every view: the client's REQUESTs, VIEW-CHANGEs, the NEW-VIEW of primary 1.
    const { trace, schemaVersion, round } = await traceOf(created.sessionId, 1)
    expect(schemaVersion).toBe(2)
    expect(round).toMatchObject({ view: 1, primary: 1, viewChanges: 1, clientAccepted: true })
    expect(ofType(trace, 'request').map((m) => [m.view, m.to])).toEqual([[0, 0], [1, 0], [1, 1], [1, 2], [1, 3]])
    expect(new Set(ofType(trace, 'view-change', 1).map((m) => m.from))).toEqual(new Set([1, 2, 3]))
    expect(ofType(trace, 'new-view', 1).filter((m) => m.counted).map((m) => [m.from, m.to])).toEqual([[1, 2], [1, 3]])
    expect(ofType(trace, 'new-view', 1)[0]?.summary).toMatch(/re-proposes the client's request the proposal/)
    expect(ofType(trace, 'reply', 1).filter((m) => m.counted).length).toBeGreaterThanOrEqual(2)
  })

  it('the crash-after-prepare preset: the value prepared in view 0 is the one decided in view 1', async () => {
    const created = await server.createSession({ preset: 'crash-after-prepare', proposalContent: 'block-7', pacingMs: 5, phaseGapMs: 5, viewTimeoutMs: 300 })
    expect(created.config).toMatchObject({ nodeCount: 4, faults: { 0: 'crash' }, quorumRule: 'castro-liskov', maxViews: 4, preset: 'crash-after-prepare' })
    const host = await hostOf(created)
    const outcome = await playRound(host)
    const { trace } = await traceOf(created.sessionId, outcome.round)
    // Primary 0 reached f + 1 = 2 backups, then stopped.
    expect(ofType(trace, 'pre-prepare', 0).map((m) => m.to)).toEqual([1, 2])
    expect(trace.filter((m) => m.from === 0 && m.phase !== 'pre-prepare')).toEqual([])
    // Those two prepared block-7 in view 0 and said so in their VIEW-CHANGEs.
    const certified = ofType(trace, 'view-change', 1)
      .filter((m) => m.to === 1 && m.viewChange?.certificate)
      .map((m) => [m.from, m.viewChange?.certificate?.view, m.viewChange?.certificate?.value])
    expect(certified).toEqual([[2, 0, 'block-7']])
    expect(outcome).toMatchObject({ view: 1, primary: 1, decidedValue: 'block-7', clientAccepted: true, clientValue: 'block-7', success: true })
  })

  it('N = 7 with replicas 0 and 1 silent: decides in view 2, primary 2', async () => {
    const created = await server.createSession({ nodeCount: 7, ...FAST, faults: { 0: 'silent', 1: 'silent' } })
    const host = await hostOf(created)
    const outcome = await playRound(host)
    expect(outcome).toMatchObject({ success: true, view: 2, primary: 2, viewChanges: 2, replacedPrimaries: [0, 1], clientAccepted: true })
    const { trace } = await traceOf(created.sessionId, outcome.round)
    expect(ofType(trace, 'new-view', 1)).toEqual([])
    expect(ofType(trace, 'new-view', 2).filter((m) => m.counted).map((m) => m.to)).toEqual([3, 4, 5, 6])
  })

  it('a human plays the new primary: asks for a new primary when its timer expires, collects the VIEW-CHANGEs and sends NEW-VIEW', async () => {
    const created = await server.createSession({ preset: 'silent-primary', pacingMs: 5, phaseGapMs: 5, phaseTimeoutMs: 4000, viewTimeoutMs: 300 })
    const host = await hostOf(created)
    const one = await phone(created.sessionId, 1)
    const two = await phone(created.sessionId, 2)
    autoPlay(two)
    expect(one.replica).toMatchObject({ role: 'backup', canAskNewPrimary: false })
    expect((await host.emit('host:start-round')).ok).toBe(true)
    // Primary 0 is silent: the client re-broadcasts its REQUEST when its timer runs out, and every timer expired.
    await one.until(() => one.replica?.canAskNewPrimary === true, 'the phone to offer "ask for a new primary"', VIEWS_MS)
    expect(one.replica).toMatchObject({ phase: 'view-change', view: 1, primary: 1, action: 'view-change' })
    expect(one.replica?.timer).toMatchObject({ view: 0, expired: true })
    expect(one.replica?.newPrimary).toMatchObject({ view: 1, canSend: false, needed: 2 })
    // Not its phase yet: NEW-VIEW comes after the VIEW-CHANGEs.
    expect(await one.emit('replica:new-view', {})).toMatchObject({ ok: false, error: { code: 'WRONG_PHASE' } })
    expect(await one.emit('replica:view-change', {})).toMatchObject({ ok: true, nodeId: 1, view: 1, sent: 3 })
    await one.until(() => one.replica?.newPrimary?.canSend === true, 'the new primary to hold a quorum of VIEW-CHANGEs')
    expect(one.replica?.newPrimary).toMatchObject({ view: 1, reProposal: { value: 'the proposal', certificateView: null } })
    expect(one.replica?.newPrimary?.viewChangesFrom).toEqual(expect.arrayContaining([1, 2]))
    // Only the new primary sends NEW-VIEW.
    expect(await two.emit('replica:new-view', {})).toMatchObject({ ok: false, error: { code: 'NOT_NEW_PRIMARY' } })
    // An honest new primary sends what the protocol says.
    expect(await one.emit('replica:new-view', { value: 'mine' })).toMatchObject({ ok: false, error: { code: 'NOT_BYZANTINE' } })
    expect(await one.emit('replica:new-view', {})).toMatchObject({ ok: true, nodeId: 1, view: 1, sent: 3 })
    autoPlay(one)
    await host.until(() => host.outcomes.length > 0, 'the round outcome', VIEWS_MS)
    expect(host.outcomes[0]).toMatchObject({ view: 1, primary: 1, clientAccepted: true, decidedValue: 'the proposal' })
    await two.until(() => two.replica?.snapshot?.newView?.accepted === true, 'seat 2 to show the accepted NEW-VIEW')
    expect(two.replica?.received.some((m) => m.phase === 'new-view' && m.from === 1 && m.summary !== undefined)).toBe(true)
  })

  it('a Byzantine new primary that proposes another value is refused by the honest backups; view 2 decides', async () => {
    const created = await server.createSession({ nodeCount: 7, ...FAST, faults: { 0: 'silent', 1: 'wrong-value' } })
    const host = await hostOf(created)
    const liar = await phone(created.sessionId, 1)
    const honest = await phone(created.sessionId, 3)
    autoPlay(honest)
    let sentNewView = false
    const play = (view: ReplicaView): void => {
      if (!view.canAct) return
      const event = view.action === 'new-view' ? 'replica:new-view' : 'replica:act'
      if (event === 'replica:new-view') {
        if (sentNewView) return
        sentNewView = true
      }
      void liar.emit(event, event === 'replica:new-view' ? { value: 'evil' } : {}).catch(() => undefined)
    }
    liar.socket.on('replica:view', play)
    const outcome = await playRound(host)
    expect(sentNewView).toBe(true)
    const { trace } = await traceOf(created.sessionId, outcome.round)
    const refused = ofType(trace, 'new-view', 1).filter((m) => m.to >= 2)
    expect(refused.map((m) => [m.to, m.value, m.counted, m.ignoredReason])).toEqual([2, 3, 4, 5, 6].map((to) => [to, 'evil', false, 'wrong-re-proposal']))
    expect(refused[0]?.detail).toBe('its set V re-proposes the proposal, not evil')
    // The honest phone shows the refusal, and the class sees view 2 decide.
    await honest.until(() => honest.replica?.outcome != null, 'the honest phone to see the outcome')
    expect(honest.replica?.received.find((m) => m.phase === 'new-view' && m.view === 1)).toMatchObject({ ignoredReason: 'wrong-re-proposal', counted: false })
    expect(outcome).toMatchObject({ success: true, decidedValue: 'the proposal', view: 2, primary: 2, replacedPrimaries: [0, 1], clientAccepted: true })
  })

  it('host:next-view forces the next view (socket and REST); without a round it is refused', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, pacingMs: 400 })
    const host = await hostOf(created)
    const noRound = await server.request<{ error: { code: string } }>('POST', `/api/sessions/${created.sessionId}/next-view`, { token: created.hostToken })
    expect([noRound.status, noRound.body.error.code]).toEqual([409, 'NO_ROUND'])
    expect((await host.emit('host:start-round')).ok).toBe(true)
    expect(await host.emit('host:next-view', {})).toMatchObject({ ok: true, view: 1, phase: 'view-change' })
    await host.until(() => host.outcomes.length > 0, 'the round outcome', VIEWS_MS)
    expect(host.outcomes[0]).toMatchObject({ success: true, view: 1, primary: 1, viewChanges: 1, replacedPrimaries: [0], clientAccepted: true })
    const { round } = await traceOf(created.sessionId, 1)
    expect(round.log.filter((entry) => entry.type === 'view')).toEqual([{ type: 'view', reason: 'host', at: expect.any(Number) }])
    // REST, for scripts: the same command.
    expect((await host.emit('host:start-round')).ok).toBe(true)
    const forced = await server.request<{ view: number; phase: string }>('POST', `/api/sessions/${created.sessionId}/next-view`, { token: created.hostToken })
    expect(forced).toMatchObject({ status: 200, body: { sessionId: created.sessionId, view: 1, phase: 'view-change' } })
    const refused = await server.request('POST', `/api/sessions/${created.sessionId}/next-view`, {})
    expect(refused.status).toBe(401)
  })

  it('a seat plays the client: it sends the REQUEST and sees "k of f + 1 matching replies"', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, clientSeat: 2 })
    expect(created.config.clientSeat).toBe(2)
    const host = await hostOf(created)
    const client = await phone(created.sessionId, 2)
    const other = await phone(created.sessionId, 3)
    expect(client.info?.seats.find((seat) => seat.nodeId === 2)?.client).toBe(true)
    expect((await host.emit('host:start-round')).ok).toBe(true)
    await client.until(() => client.replica?.client?.requestDue === true, 'the client seat to be asked for its REQUEST')
    expect(client.replica).toMatchObject({ phase: 'request', canAct: false })
    const notClient = await other.emit('client:request', {})
    expect(notClient, JSON.stringify(notClient)).toMatchObject({ ok: false, error: { code: 'NOT_CLIENT' } })
    expect(await client.emit('client:request', {})).toMatchObject({ ok: true, nodeId: 2, sent: 1 })
    // Sent: the phase closes after its short gap; a second request is not the client's to send.
    expect(await client.emit('client:request', {})).toMatchObject({ ok: false, error: { code: 'NOT_PENDING' } })
    await client.until(() => client.replica?.phase !== 'request', 'the request phase to close')
    expect(await client.emit('client:request', {})).toMatchObject({ ok: false, error: { code: 'WRONG_PHASE' } })
    autoPlay(client)
    autoPlay(other)
    await host.until(() => host.outcomes.length > 0, 'the round outcome', VIEWS_MS)
    await client.until(() => client.replica?.client?.accepted === true, 'the client seat to accept')
    expect(client.replica?.client).toMatchObject({ seat: 2, accepted: true, acceptedValue: 'the proposal', needed: 2, requestsSent: 1 })
    expect(client.replica?.client?.matching).toBeGreaterThanOrEqual(2)
    expect(other.replica?.client).toBeNull()
  })
})

describe('who may take a view-change step (sockets)', { timeout: 20_000 }, () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer({ sessions: { sessionsPerClient: null } })
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  async function connect(auth: Parameters<typeof Client.connect>[1]): Promise<Client> {
    const client = await Client.connect(server.base, auth)
    clients.push(client)
    return client
  }

  it('only the seat whose timer expired asks for a new primary (TIMER_RUNNING before); others are refused FORBIDDEN, WRONG_PHASE, NOT_CLIENT', async () => {
    // Seat 2 does not prepare yet (a human who waits), so prepare stays open past the view timer.
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseGapMs: 5, phaseTimeoutMs: 20_000, viewTimeoutMs: 1500, quorumRule: 'castro-liskov' })
    const host = await connect({ sessionId: created.sessionId, hostToken: created.hostToken })
    const guest = await connect({ sessionId: created.sessionId })
    const one = await connect({ sessionId: created.sessionId, seatToken: (await server.claim(created.sessionId, { nodeId: 2 })).seatToken })
    expect(await one.emit('replica:view-change', {})).toMatchObject({ ok: false, error: { code: 'NO_ROUND' } })
    expect((await host.emit('host:start-round')).ok).toBe(true)
    await one.until(() => one.replica?.phase === 'prepare' && one.replica.canAct, 'seat 2 to be asked to prepare')
    expect(one.replica?.timer).toMatchObject({ view: 0, running: true, expired: false, durationMs: 1500 })
    expect(one.replica?.canAskNewPrimary).toBe(false)
    for (const [who, client] of [
      ['guest', guest],
      ['host', host],
    ] as const) {
      for (const event of ['replica:view-change', 'replica:new-view', 'client:request'] as const) {
        expect(await client.emit(event, {}), `${event} as ${who}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      }
    }
    expect(await one.emit('replica:view-change', { nodeId: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await one.emit('replica:view-change', {})).toMatchObject({ ok: false, error: { code: 'TIMER_RUNNING' } })
    expect(await one.emit('replica:new-view', {})).toMatchObject({ ok: false, error: { code: 'WRONG_PHASE' } })
    expect(await one.emit('client:request', {})).toMatchObject({ ok: false, error: { code: 'NOT_CLIENT' } })
    expect(await one.emit('replica:view-change', { nodeId: 'one' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(await one.emit('replica:new-view', { viewChanges: [0, 'x'] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    // Once the timer ran out, the phone offers it, and asking ends the view for everyone.
    await one.until(() => one.replica?.canAskNewPrimary === true, 'the timer to expire on the phone', 6000)
    expect(await one.emit('replica:view-change', {})).toMatchObject({ ok: true, nodeId: 2, view: 1, sent: 3 })
    autoPlay(one)
    await host.until(() => host.outcomes.length > 0, 'the round outcome', VIEWS_MS)
    expect(host.outcomes[0]).toMatchObject({ view: 1, primary: 1, clientAccepted: true })
    // The round is over: nobody's timer runs.
    expect(await one.emit('replica:view-change', {})).toMatchObject({ ok: false, error: { code: 'NO_ROUND' } })
    const status = await server.request<{ view: number; primary: number }>('GET', `/api/sessions/${created.sessionId}/status`)
    expect(status.body).toMatchObject({ view: 1, primary: 1 })
  })

  it('in the last view allowed there is no new primary to ask for (ROUND_OVER), even once the timer ran out', async () => {
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseGapMs: 5, phaseTimeoutMs: 20_000, viewTimeoutMs: 200, maxViews: 1 })
    const host = await connect({ sessionId: created.sessionId, hostToken: created.hostToken })
    const one = await connect({ sessionId: created.sessionId, seatToken: (await server.claim(created.sessionId, { nodeId: 1 })).seatToken })
    expect((await host.emit('host:start-round')).ok).toBe(true)
    await one.until(() => one.replica?.phase === 'prepare' && one.replica.canAct, 'seat 1 to be asked to prepare')
    await one.until(() => one.replica?.timer?.expired === true, 'the view timer to run out')
    // One view only: the timer expired, but no view is left to change to.
    expect(one.replica?.canAskNewPrimary).toBe(false)
    expect(await one.emit('replica:view-change', {})).toMatchObject({ ok: false, error: { code: 'ROUND_OVER' } })
    expect(await one.emit('replica:act', {})).toMatchObject({ ok: true })
    await one.until(() => one.replica?.phase === 'commit', 'the commit phase')
    await one.until(() => one.replica?.snapshot?.committed === true || one.replica?.phase !== 'commit', 'seat 1 to commit or the phase to move')
  })
})
