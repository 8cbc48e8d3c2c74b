import { defaultFaultBound } from '@pbft/engine'
import { isByzantineKind, type CreateSessionInput, type FaultKind, type QuorumRule, type SessionConfig, type SessionSettings } from '@pbft/protocol'
import { SessionError } from './errors'

/** What faultyNodes makes of a seat when the host did not name kinds: colluding equivocators. */
export const DEFAULT_BYZANTINE_KIND: FaultKind = 'equivocate'

export interface NewSessionConfig {
  settings: SessionSettings
  /** One kind per seat. */
  faults: FaultKind[]
  warnings: string[]
}

/**
 * Turns a validated create-session body into the session's settings and seat faults, refusing
 * timings bots could not keep and warning about configurations that show something on purpose.
 *
 * Faults: an explicit `faults` map wins; otherwise `faultyNodes` seats are Byzantine
 * (`equivocate`), taken from the highest ids down, with the primary among them when
 * `maliciousProposer` is set (which makes at least one faulty seat). Equivocators collude, so
 * a malicious primary with f others shows a safety violation.
 */
export function newSessionConfig(input: CreateSessionInput): NewSessionConfig {
  const { faults: faultMap, faultyNodes, maliciousProposer, ...rest } = input
  const settings: SessionSettings = rest
  checkTiming(settings)
  checkIdleBot(settings)
  const n = settings.nodeCount
  const warnings: string[] = []
  const faults = new Array<FaultKind>(n).fill('honest')
  if (faultMap !== undefined) {
    for (const [key, kind] of Object.entries(faultMap)) faults[Number(key)] = kind
    const count = faults.filter((kind) => kind !== 'honest').length
    if ((faultyNodes !== undefined && faultyNodes !== count) || (maliciousProposer && faults[0] === 'honest')) {
      warnings.push(`faults names ${count} Byzantine replica(s): faultyNodes and maliciousProposer were ignored`)
    }
  } else {
    let count = faultyNodes ?? 0
    if (maliciousProposer) {
      faults[0] = DEFAULT_BYZANTINE_KIND
      count = Math.max(count - 1, 0)
    }
    for (let id = n - 1; id > 0 && count > 0; id--, count--) faults[id] = DEFAULT_BYZANTINE_KIND
  }
  if (faults.every((kind) => kind !== 'honest')) {
    throw new SessionError('VALIDATION', 'at least one replica must be honest (faultyNodes must be less than nodeCount)')
  }
  warnings.push(...faultWarnings(n, faults, settings.quorumRule))
  if (settings.robotNodes > 0) {
    warnings.push(`seats ${n - settings.robotNodes}..${n - 1} are kept for bots (robotNodes = ${settings.robotNodes})`)
  }
  return { settings, faults, warnings }
}

/**
 * Why this configuration is not textbook PBFT, for the host to read (not errors: demos do this
 * on purpose). N ≠ 3f + 1 matters under the original rule only: its fixed 2f quorum is then
 * smaller than a Byzantine quorum, while castro-liskov's grows with N.
 */
export function faultWarnings(nodes: number, faults: readonly FaultKind[], rule: QuorumRule = 'original'): string[] {
  const f = defaultFaultBound(nodes)
  const byzantine = faults.filter(isByzantineKind).length
  const crashing = faults.filter((kind) => kind === 'crash').length
  const warnings: string[] = []
  if (byzantine > f) {
    warnings.push(`${byzantine} Byzantine replicas exceed f = ${f}: PBFT no longer guarantees safety (colluding replicas can split the honest ones)`)
  } else if (byzantine + crashing > f) {
    warnings.push(`${byzantine + crashing} faulty replicas (${crashing} crashing) exceed f = ${f}: PBFT no longer guarantees that the honest ones decide`)
  }
  if (nodes !== 3 * f + 1 && rule === 'original') {
    warnings.push(`N = ${nodes} is not 3f + 1 = ${3 * f + 1}: the model's fixed 2f quorum is smaller than a Byzantine quorum, so one faulty primary may already split the honest replicas`)
  }
  return warnings
}

/** Bots act within pacingMs + this; the stagger spreads them out so people see them one by one. */
export function maxStagger(pacingMs: number): number {
  return Math.floor(pacingMs / 2)
}

/**
 * How long after a phase opens bot `seat` acts: the pacing plus a deterministic per-seat
 * stagger of up to half the pacing (the same seat always takes the same time).
 */
export function botDelayMs(settings: Pick<SessionSettings, 'pacingMs'>, seat: number): number {
  const fraction = ((seat * 37) % 16) / 15
  return settings.pacingMs + Math.round(maxStagger(settings.pacingMs) * fraction)
}

/**
 * Refuses timings in which bots could not act before the phase times out. The original system
 * had bots wait 10 s in phases that timed out after 2 s, so no round ever decided; half the
 * timeout leaves room for bots that take over a seat in the middle of a phase.
 */
export function checkTiming(settings: Pick<SessionSettings, 'pacingMs' | 'phaseTimeoutMs'>): void {
  const slowest = settings.pacingMs + maxStagger(settings.pacingMs)
  if (slowest > settings.phaseTimeoutMs / 2) {
    throw new SessionError(
      'VALIDATION',
      `bots would act up to ${slowest} ms after a phase opens (pacingMs ${settings.pacingMs} + stagger ${maxStagger(settings.pacingMs)}), ` +
        `but phases time out after ${settings.phaseTimeoutMs} ms: phaseTimeoutMs must be at least ${2 * slowest} ms, or pacingMs lower`,
    )
  }
}

/**
 * Refuses an idle bot that could never play: it must act before the phase times out (a human
 * who did not act by then counts as silent anyway).
 */
export function checkIdleBot(settings: Pick<SessionSettings, 'idleBotAfterMs' | 'phaseTimeoutMs'>): void {
  const { idleBotAfterMs, phaseTimeoutMs } = settings
  if (idleBotAfterMs !== null && idleBotAfterMs >= phaseTimeoutMs) {
    throw new SessionError(
      'VALIDATION',
      `idleBotAfterMs (${idleBotAfterMs} ms) must be below phaseTimeoutMs (${phaseTimeoutMs} ms): the bot plays for a human who did not act before the phase times out`,
    )
  }
}

/** The configuration clients see: the settings plus what the seats' faults amount to. */
export function publicConfig(settings: SessionSettings, faults: readonly FaultKind[]): SessionConfig {
  const byzantine: Record<string, FaultKind> = {}
  faults.forEach((kind, id) => {
    if (kind !== 'honest') byzantine[String(id)] = kind
  })
  return {
    ...settings,
    faultyNodes: Object.keys(byzantine).length,
    maliciousProposer: faults[0] !== undefined && isByzantineKind(faults[0]),
    faults: byzantine,
  }
}
