import { ConfigError, type NormalizedRound, type RoundConfig } from '../config'
import type { MessageCounts } from '../outcome'
import type { RoundSets } from '../round/result'
import { MAX_VIEWS } from '../views'
import type { LivePhase } from './schedule'

export interface LiveRoundOptions {
  config: RoundConfig
  /** Seeds the link draws and, unless `secret` is given, the MAC and signing keys. */
  seed: number
  secret?: string
  /** Record every message (default true); `runRound` turns it off for Monte-Carlo callers. */
  trace?: boolean
  /**
   * Views the round may use, K >= 1 (at most MAX_VIEWS). Given, the round is PBFT with its
   * client and view changes: REQUEST, the normal case, REPLYs, then while the client has not
   * accepted and views remain, VIEW-CHANGE, NEW-VIEW and the normal case of the next view.
   * Left out, the classic round: primary 0, no client, three phases, message for message as
   * before views existed (with `maxViews: 1` the replicas' messages are those same ones; the
   * client's REQUEST and the REPLYs come on top).
   */
  maxViews?: number
  /**
   * Replicas that crash (a benign fault; they count as honest in the sets): each is honest until
   * it is the primary of a view, sends that view's PRE-PREPARE or NEW-VIEW to only f + 1 backups
   * and stops (see crash.ts). Give them fault 'honest'.
   */
  crashing?: readonly number[]
}

export interface LiveProgress {
  phase: LivePhase
  /** True once the round is over. */
  done: boolean
  sets: RoundSets
  messages: MessageCounts
  view: number
  primary: number
  clientAccepted: boolean
  /** Views beyond 0 that honest replicas entered so far. */
  viewChanges: number
}

/** The number of views a round may use (1 for the classic round); throws ConfigError for a bad `maxViews`. */
export function checkViews(round: NormalizedRound, maxViews: number | undefined): number {
  if (maxViews === undefined) return 1
  if (!Number.isInteger(maxViews) || maxViews < 1 || maxViews > MAX_VIEWS) {
    throw new ConfigError(`maxViews must be an integer in [1, ${MAX_VIEWS}], got ${maxViews}`)
  }
  if (round.view !== 0) throw new ConfigError(`a round with views starts in view 0, got view ${round.view}`)
  return maxViews
}
