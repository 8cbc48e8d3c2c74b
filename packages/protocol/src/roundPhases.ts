import { z } from 'zod'
import { StandInReason, type RoundLogEntry } from './roundRecords'
import { MessageType } from './terms'

/**
 * The phases of a round in order, and what a round's log says about them: in which phase each
 * call was made, and the moves bots played for humans.
 */

/**
 * A bot played a human's seat in the current round: its human did not act within the
 * session's `idleBotAfterMs` (`idle`), or was away with bot takeover on (`away`).
 */
export const BotStandIn = z.object({
  nodeId: z.int(),
  phase: MessageType,
  reason: StandInReason,
  /** The seat holder's name when it happened ("a bot played for Ana"). */
  name: z.string().nullable(),
  /** Milliseconds since the round started. */
  at: z.number(),
})
export type BotStandIn = z.infer<typeof BotStandIn>

/**
 * The phases a round opens, in order, until it is done (the engine's CLASSIC_PHASES,
 * FIRST_VIEW_PHASES and LATER_VIEW_PHASES): the classic round (stored before views) opens the
 * normal case once; a round with views opens view 0's phases, then each later view's.
 */
export const CLASSIC_PHASES = ['pre-prepare', 'prepare', 'commit'] as const
export const FIRST_VIEW_PHASES = ['request', 'pre-prepare', 'prepare', 'commit', 'reply'] as const
export const LATER_VIEW_PHASES = ['view-change', 'new-view', 'prepare', 'commit', 'reply'] as const

/**
 * The phase each entry of a round's log was made in: each `close` opens the next phase, the end
 * of a view's phases (or a `view` entry) the next view's first one. (A phase past the end of a
 * classic round reads as its last.)
 */
export function phasesOfLog(log: readonly RoundLogEntry[], withViews = false): MessageType[] {
  let view = 0
  let index = 0
  const phases = (): readonly MessageType[] => (!withViews ? CLASSIC_PHASES : view === 0 ? FIRST_VIEW_PHASES : LATER_VIEW_PHASES)
  return log.map((entry) => {
    const current = phases()
    const phase = current[Math.min(index, current.length - 1)] ?? 'commit'
    if (entry.type === 'close') {
      index++
      if (withViews && index >= current.length) {
        view++
        index = 0
      }
    } else if (entry.type === 'view') {
      view++
      index = 0
    }
    return phase
  })
}

/** The moves a bot played for humans, read from a round's log: what the server's views carry and what a replay shows. */
export function standInsOf(log: readonly RoundLogEntry[], withViews = false): BotStandIn[] {
  const phases = phasesOfLog(log, withViews)
  return log.flatMap((entry, at) =>
    entry.type === 'act' && entry.standIn ? [{ nodeId: entry.replica, phase: phases[at] ?? 'commit', at: entry.at, ...entry.standIn }] : [],
  )
}
