import type { RoundResult } from '@pbft/engine'
import { SESSION_DOCUMENT_VERSION, type LiveRoundRecord, type RoundOutcome, type RoundRecord, type RoundViews, type SessionDocument } from '@pbft/protocol'
import type { RoundRunner } from './roundRunner'

/** The outcome of a finished round, as clients see it. */
export function outcomeOf(round: number, result: RoundResult): RoundOutcome {
  const { seed, nodes, f, success, failure, decidedValue, decidedValues, safetyViolation, sets, messages, outcome, quorumRule } = result
  return {
    round,
    seed,
    nodes,
    f,
    success,
    failure,
    failureReason: failure?.reason ?? null,
    decidedValue,
    decidedValues,
    safetyViolation,
    sets: { ...sets },
    messages: { ...messages },
    decidedBy: decidedValues.map((value) => ({
      value,
      replicas: result.replicas.filter((replica) => replica.fault === 'honest' && replica.decidedValue === value).map((replica) => replica.id),
    })),
    outcome,
    quorumRule,
    view: result.view,
    primary: result.primary,
    viewChanges: result.viewChanges,
    clientAccepted: result.clientAccepted,
    maxViews: result.maxViews,
    replacedPrimaries: [...result.replacedPrimaries],
    clientValue: result.clientValue,
    clientMessages: { ...result.clientMessages },
  }
}

/**
 * A round for the history: finished (`result`), or aborted by the host (null), with where its
 * views ended (an aborted round: the view it was in, and every view it moved through counted
 * as a view change).
 */
export function recordOf(run: RoundRunner, finishedAt: number, result: RoundResult | null): RoundRecord {
  const progress = run.live.progress()
  const views: RoundViews =
    result === null
      ? { view: progress.view, primary: progress.primary, viewChanges: progress.viewChanges, clientAccepted: progress.clientAccepted }
      : { view: result.view, primary: result.primary, viewChanges: result.viewChanges, clientAccepted: result.clientAccepted }
  const outcome = result === null ? null : outcomeOf(run.record.round, result)
  return { ...run.record, finishedAt, aborted: result === null, outcome, ...views }
}

/** What a session's stored document is made of (a Session is one). */
export interface StoredSessionParts extends Pick<SessionDocument, 'id' | 'createdAt' | 'hostTokenHash' | 'settings' | 'seats' | 'locked' | 'nextRound' | 'rounds' | 'barred'> {
  readonly running: boolean
  readonly run: { readonly record: LiveRoundRecord } | null
}

/** The session as it is stored (the latest document version). */
export function documentOf(session: StoredSessionParts): SessionDocument {
  return {
    schemaVersion: SESSION_DOCUMENT_VERSION,
    id: session.id,
    createdAt: session.createdAt,
    hostTokenHash: session.hostTokenHash,
    settings: session.settings,
    seats: session.seats,
    locked: session.locked,
    nextRound: session.nextRound,
    rounds: session.rounds,
    current: session.running && session.run ? session.run.record : null,
    barred: session.barred,
  }
}

/**
 * The round a session shows when it is loaded: the running one, else the last finished one
 * (after a restart it is still on everyone's screen); null for none or an aborted last round.
 */
export function displayedRound(document: SessionDocument): LiveRoundRecord | null {
  if (document.current !== null) return document.current
  const last = document.rounds.at(-1)
  return last && !last.aborted ? last : null
}
