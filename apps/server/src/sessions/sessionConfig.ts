import { defaultFaultBound } from '@pbft/engine'
import {
  DEFAULT_BYZANTINE_KIND,
  idleBotIssue,
  isByzantineKind,
  maxBotStaggerMs,
  seatFaultIssues,
  seatFaults,
  sessionIssues,
  timingIssue,
  type CreateSessionInput,
  type FaultKind,
  type QuorumRule,
  type SessionConfig,
  type SessionIssue,
  type SessionSettings,
} from '@pbft/protocol'
import { SessionError } from './errors'
import { sessionIssueText } from './sessionIssueText'

/** What faultyNodes makes of a seat when the host did not name kinds (the protocol's choice, shared with the host form). */
export { DEFAULT_BYZANTINE_KIND }

export interface NewSessionConfig {
  settings: SessionSettings
  /** One kind per seat. */
  faults: FaultKind[]
  warnings: string[]
}

/** The first error among the rules' issues, as a VALIDATION refusal in the server's words. */
function refuseErrors(issues: readonly (SessionIssue | null)[]): void {
  const error = issues.find((found) => found?.severity === 'error')
  if (error) throw new SessionError('VALIDATION', sessionIssueText(error))
}

/**
 * Turns a validated create-session body into the session's settings and seat faults, refusing
 * timings bots could not keep and warning about configurations that show something on purpose.
 * The rules (and the faulty-seat choice) are the protocol's `sessionIssues` and `seatFaults`,
 * which the host form applies too: an explicit `faults` map wins; otherwise `faultyNodes` seats
 * are Byzantine (`equivocate`), taken from the highest ids down, with the primary among them
 * when `maliciousProposer` is set.
 */
export function newSessionConfig(input: CreateSessionInput): NewSessionConfig {
  const { faults: faultMap, faultyNodes, maliciousProposer, ...rest } = input
  const settings: SessionSettings = rest
  const issues = sessionIssues({ ...settings, faults: faultMap, faultyNodes, maliciousProposer }, defaultFaultBound)
  refuseErrors(issues)
  return { settings, faults: seatFaults(input), warnings: issues.map(sessionIssueText) }
}

/**
 * Why this configuration is not textbook PBFT, for the host to read (not errors: demos do this
 * on purpose); see the protocol's `seatFaultIssues`.
 */
export function faultWarnings(nodes: number, faults: readonly FaultKind[], rule: QuorumRule = 'original'): string[] {
  return seatFaultIssues(nodes, faults, rule, defaultFaultBound).map(sessionIssueText)
}

/**
 * How long after a phase opens bot `seat` acts: the pacing plus a deterministic per-seat
 * stagger of up to half the pacing (the same seat always takes the same time).
 */
export function botDelayMs(settings: Pick<SessionSettings, 'pacingMs'>, seat: number): number {
  const fraction = ((seat * 37) % 16) / 15
  return settings.pacingMs + Math.round(maxBotStaggerMs(settings.pacingMs) * fraction)
}

/** Refuses timings in which bots could not act before the phase times out (the protocol's `timingIssue`). */
export function checkTiming(settings: Pick<SessionSettings, 'pacingMs' | 'phaseTimeoutMs'>): void {
  refuseErrors([timingIssue(settings)])
}

/** Refuses an idle bot that could never play (the protocol's `idleBotIssue`), also when the host turns it on later. */
export function checkIdleBot(settings: Pick<SessionSettings, 'idleBotAfterMs' | 'phaseTimeoutMs'>): void {
  refuseErrors([idleBotIssue(settings)])
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
