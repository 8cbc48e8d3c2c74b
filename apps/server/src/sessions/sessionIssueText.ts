import type { SessionIssue } from '@pbft/protocol'

/**
 * The server's words for the session rules of `@pbft/protocol` (sessionRules.ts): the English
 * error messages and warnings of `POST /api/sessions`, unchanged since the rules were written
 * here, so clients that match on them keep working.
 */
export function sessionIssueText(issue: SessionIssue): string {
  switch (issue.code) {
    case 'PACING_EXCEEDS_TIMEOUT': {
      const { slowestMs, pacingMs, staggerMs, phaseTimeoutMs, neededMs } = issue.params
      return (
        `bots would act up to ${slowestMs} ms after a phase opens (pacingMs ${pacingMs} + stagger ${staggerMs}), ` +
        `but phases time out after ${phaseTimeoutMs} ms: phaseTimeoutMs must be at least ${neededMs} ms, or pacingMs lower`
      )
    }
    case 'IDLE_BOT_TOO_LATE': {
      const { idleBotAfterMs, phaseTimeoutMs } = issue.params
      return `idleBotAfterMs (${idleBotAfterMs} ms) must be below phaseTimeoutMs (${phaseTimeoutMs} ms): the bot plays for a human who did not act before the phase times out`
    }
    case 'FAULTS_TOO_MANY':
      // The words of CreateSessionBody's own check, which refuses this before the rules run.
      return `faultyNodes must be less than nodeCount (${issue.params.nodeCount})`
    case 'ONE_HONEST_REQUIRED':
      return 'at least one replica must be honest (faultyNodes must be less than nodeCount)'
    case 'FAULTS_MAP_OVERRIDES':
      return `faults names ${issue.params.count} Byzantine replica(s): faultyNodes and maliciousProposer were ignored`
    case 'FAULTS_EXCEED_BOUND': {
      const { count, f } = issue.params
      return `${count} Byzantine replicas exceed f = ${f}: PBFT no longer guarantees safety (colluding replicas can split the honest ones)`
    }
    case 'FAULTS_EXCEED_LIVENESS_BOUND': {
      const { count, crashing, f } = issue.params
      return `${count} faulty replicas (${crashing} crashing) exceed f = ${f}: PBFT no longer guarantees that the honest ones decide`
    }
    case 'NOT_3F_PLUS_1': {
      const { nodes, ideal } = issue.params
      return `N = ${nodes} is not 3f + 1 = ${ideal}: the model's fixed 2f quorum is smaller than a Byzantine quorum, so one faulty primary may already split the honest replicas`
    }
    case 'SEATS_KEPT_FOR_BOTS': {
      const { first, last, robotNodes } = issue.params
      return `seats ${first}..${last} are kept for bots (robotNodes = ${robotNodes})`
    }
  }
}
