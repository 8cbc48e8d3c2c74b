import type { BatchExperimentResponse, HistoryResponse, RoundOutcome, RoundTraceResponse, SessionStatusResponse, UpdateSettingsResponse } from '@pbft/protocol'
import { successProbability } from '@pbft/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { autoPlay, Client, startLiveServer, type LiveServer } from './liveServer'

/**
 * Bots act at once; a human who never acts holds a phase for `phaseTimeoutMs`. One view a round:
 * these are the rules' one-attempt outcomes (issue 10); views are tested in views.spec.ts.
 */
const FAST = { pacingMs: 5, phaseTimeoutMs: 4000, phaseGapMs: 5, maxViews: 1 }
/** Enough to sit out two phase timeouts of a never-acting human. */
const SLOW_ROUND_MS = 9_000

describe('live rounds under both quorum rules (sockets, a real server)', () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer()
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

  async function phone(sessionId: string, nodeId: number, play: boolean): Promise<Client> {
    const seat = await server.claim(sessionId, { nodeId, name: `student ${nodeId}` })
    const client = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    clients.push(client)
    if (play) autoPlay(client)
    return client
  }

  async function playRound(host: Client, ms?: number): Promise<RoundOutcome> {
    const before = host.outcomes.length
    const ack = await host.emit('host:start-round')
    expect(ack.ok, JSON.stringify(ack)).toBe(true)
    await host.until(() => host.outcomes.length > before, 'the round outcome', ms)
    const outcome = host.outcomes.at(-1)
    if (!outcome) throw new Error('no outcome')
    return outcome
  }

  it('N = 4, castro-liskov, a silent Byzantine bot and three humans acting, p = 100 %: decides (the original rule cannot)', async () => {
    for (const [quorumRule, decides] of [
      ['castro-liskov', true],
      ['original', false],
    ] as const) {
      const created = await server.createSession({ nodeCount: 4, ...FAST, quorumRule, faults: { 3: 'silent' } })
      expect(created.config.quorumRule).toBe(quorumRule)
      const host = await hostOf(created)
      for (const nodeId of [0, 1, 2]) await phone(created.sessionId, nodeId, true)
      await host.until(() => host.info?.connectedNodes.length === 3, 'three phones online')
      const outcome = await playRound(host)
      expect(outcome).toMatchObject({ quorumRule, success: decides, outcome: decides ? 'success' : 'no-decision', safetyViolation: false })
      if (decides) expect(outcome.sets.committed).toBe(3)
      else expect(outcome.failureReason).toBe('prepare: Np=1 < N-f=3')
      // The phones read the rule's quorum per phase from their snapshots.
      await host.until(() => host.host?.status === 'finished', 'the finished host view')
      const backup = host.host?.replicas[1]
      expect(backup).toMatchObject({ quorumRule, prepareQuorum: quorumRule === 'castro-liskov' ? 1 : 2, commitQuorum: 2 })
      expect(host.host?.quorumRule).toBe(quorumRule)
    }
  })

  it('N = 4, castro-liskov: a student who claimed a seat and never taps does not stop the three others from deciding', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, phaseTimeoutMs: 1500, quorumRule: 'castro-liskov' })
    const host = await hostOf(created)
    for (const nodeId of [0, 1, 2]) await phone(created.sessionId, nodeId, true)
    const idle = await phone(created.sessionId, 3, false)
    await host.until(() => host.info?.connectedNodes.length === 4, 'four phones online')
    const outcome = await playRound(host, SLOW_ROUND_MS)
    expect(outcome).toMatchObject({ quorumRule: 'castro-liskov', success: true, outcome: 'success', decidedValue: 'the proposal' })
    // The idle student's phone sees the consensus too (its replica never sent a vote).
    await idle.until(() => idle.replica?.outcome?.round === outcome.round, 'the idle phone to see the outcome')
    expect(idle.replica?.outcome?.outcome).toBe('success')
    // It never tapped: nothing it sent but the REPLY every replica that decided sends on its own.
    expect(host.trace.some((message) => message.from === 3 && message.phase !== 'reply')).toBe(false)
  }, 20_000)

  it('N = 7, castro-liskov, two silent replicas, p = 100 %: decides', async () => {
    const created = await server.createSession({ nodeCount: 7, ...FAST, quorumRule: 'castro-liskov', faults: { 5: 'silent', 6: 'silent' } })
    expect(created.warnings).toEqual([])
    const host = await hostOf(created)
    const outcome = await playRound(host)
    expect(outcome).toMatchObject({ nodes: 7, f: 2, quorumRule: 'castro-liskov', success: true, outcome: 'success' })
    expect(outcome.sets).toEqual({ prePrepared: 5, prepared: 5, committed: 5 })
    // The same seats under the original rule stall at prepare, as MODEL.md says.
    const original = await server.createSession({ nodeCount: 7, ...FAST, faults: { 5: 'silent', 6: 'silent' } })
    expect((await playRound(await hostOf(original))).outcome).toBe('no-decision')
  })

  it('N = 5, original rule, an equivocating primary: never reported as a success, everywhere', async () => {
    const created = await server.createSession({ nodeCount: 5, ...FAST, faults: { 0: 'equivocate' } })
    const { sessionId } = created
    const host = await hostOf(created)
    const watcher = await phone(sessionId, 2, true)
    const outcomes = [await playRound(host), await playRound(host)]
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ quorumRule: 'original', success: false, outcome: 'safety-violated', safetyViolation: true, decidedValue: null })
      expect(outcome.failureReason).toBe('safety: honest replicas committed the proposal′ and the proposal')
      expect(outcome.decidedBy?.flatMap((group) => group.replicas).sort()).toEqual([1, 2, 3, 4])
    }
    await watcher.until(() => watcher.replica?.outcome?.round === 2, 'the phone to see round 2')
    expect(watcher.replica?.outcome).toMatchObject({ outcome: 'safety-violated', success: false })

    const status = await server.request<SessionStatusResponse>('GET', `/api/sessions/${sessionId}/status`)
    expect(status.body).toMatchObject({ quorumRule: 'original', lastOutcome: { outcome: 'safety-violated', success: false } })
    const history = await server.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    expect(history.body.rounds.map((round) => [round.quorumRule, round.outcome?.outcome, round.outcome?.success])).toEqual([
      ['original', 'safety-violated', false],
      ['original', 'safety-violated', false],
    ])
    const replay = await server.request<RoundTraceResponse>('GET', `/api/sessions/${sessionId}/history?round=1`)
    expect(replay.body.round).toMatchObject({ quorumRule: 'original', outcome: { outcome: 'safety-violated' } })

    // The batch endpoint plays the same rule and says why a split round failed.
    const batch = await server.request<BatchExperimentResponse>('POST', `/api/sessions/${sessionId}/run-batch-experiment?rounds=20&seed=3`, {
      token: created.hostToken,
    })
    expect(batch.status).toBe(200)
    expect(batch.body).toMatchObject({ quorumRule: 'original', successCount: 0, safetyViolations: 20, theoreticalSuccessRate: null })
    expect(batch.body.results.every((row) => row.outcome === 'safety-violated' && !row.success)).toBe(true)
    expect(batch.body.results[0]?.failureReason).toBe('safety: honest replicas committed the proposal′ and the proposal')

    // Castro–Liskov's quorum keeps the honest replicas together: switch rules, the next round is safe.
    const patched = await server.request<UpdateSettingsResponse>('PATCH', `/api/sessions/${sessionId}/settings`, {
      body: { quorumRule: 'castro-liskov' },
      token: created.hostToken,
    })
    expect(patched).toEqual({ status: 200, body: { sessionId, quorumRule: 'castro-liskov', idleBotAfterMs: null, effective: 'now', maxViews: 1, viewTimeoutMs: 10_000 } })
    const safe = await playRound(host)
    expect(safe).toMatchObject({ quorumRule: 'castro-liskov', safetyViolation: false })
    expect(safe.outcome).not.toBe('safety-violated')
    const rules = await server.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    expect(rules.body.rounds.map((round) => round.quorumRule)).toEqual(['original', 'original', 'castro-liskov'])
  })

  it('a round keeps the rule it started with when the host switches mid-round; the socket event reports when it applies', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, phaseTimeoutMs: 2000 })
    const host = await hostOf(created)
    await phone(created.sessionId, 1, false)
    await host.until(() => host.info?.connectedNodes.length === 1, 'the phone online')
    expect((await host.emit('host:start-round')).ok).toBe(true)
    const switched = await host.emit('host:set-quorum-rule', { quorumRule: 'castro-liskov' })
    expect(switched).toEqual({ ok: true, quorumRule: 'castro-liskov', effective: 'next-round' })
    await host.until(() => host.info?.config.quorumRule === 'castro-liskov', 'the new rule in session:update')
    expect(host.host?.quorumRule).toBe('original')
    await host.until(() => host.outcomes.length === 1, 'the first outcome', 8000)
    expect(host.outcomes[0]?.quorumRule).toBe('original')
    expect((await host.emit('host:set-quorum-rule', { quorumRule: 'paper' })).ok).toBe(false)
    const idle = await host.emit('host:set-idle-bot', { idleBotAfterMs: 1000 })
    expect(idle).toEqual({ ok: true, idleBotAfterMs: 1000 })
    const refused = await host.emit('host:set-idle-bot', { idleBotAfterMs: 2000 })
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  }, 15_000)

  it('the batch experiment plays the session’s rule against that rule’s theory', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, quorumRule: 'castro-liskov', messageDeliveryRate: 90 })
    const batch = await server.request<BatchExperimentResponse>('POST', `/api/sessions/${created.sessionId}/run-batch-experiment?rounds=200&seed=1`, {
      token: created.hostToken,
    })
    expect(batch.body.quorumRule).toBe('castro-liskov')
    expect(batch.body.theoreticalSuccessRate).toBe(Math.round(successProbability(4, 0.9, 1, 'castro-liskov') * 10_000) / 100)
    expect(batch.body.theoreticalSuccessRate).toBe(79.08)
  })

  it('creates a session from the original system’s body with an empty proposal: the default proposal is shown', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, proposalContent: '' })
    expect(created.config).toMatchObject({ proposalContent: 'the proposal', quorumRule: 'original', idleBotAfterMs: null })
    expect((await playRound(await hostOf(created))).decidedValue).toBe('the proposal')
    const refused = await server.request<{ error: { code: string; message: string } }>('POST', '/api/sessions', {
      body: { nodeCount: 4, quorumRule: 'paper' },
    })
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toBe('body.quorumRule: expected "original" or "castro-liskov", got "paper"')
  })
})
