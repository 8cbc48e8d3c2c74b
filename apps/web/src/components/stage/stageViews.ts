import type { HostView, TracedMessage } from '@pbft/protocol'
import { viewAt } from '../../composables/useReplayCounters'

/**
 * The view change as the stage shows it, live and in a replay alike: the view on show and its
 * primary, the primaries replaced so far, the view timer, and the client's replies. Null for a
 * classic round (one view, no client), which the stage draws as before.
 */
export interface StageViews {
  /** Views the round may use: with one, there is a client but no view change to show. */
  maxViews: number
  view: number
  primary: number
  /** Primaries of the views before this one, in order. */
  replaced: number[]
  timer: { secondsLeft: number; fraction: number; expired: boolean } | null
  client: StageClient | null
}

export interface StageClient {
  /** The seat whose student plays it; null: the projector. */
  seat: number | null
  accepted: boolean
  /** Most distinct replicas that replied one value: the k of "k of f + 1". */
  matching: number
  /** f + 1. */
  needed: number
  /** The accepted value (else the value with the most replies), for its colour. */
  value: string | null
}

/** The view timer's state at `now` (epoch ms). */
export function timerAt(timer: NonNullable<HostView['viewTimer']>, now: number): StageViews['timer'] {
  const left = Math.max(0, timer.deadline - now)
  return { secondsLeft: Math.ceil(left / 1000), fraction: timer.durationMs > 0 ? left / timer.durationMs : 0, expired: timer.expired || left === 0 }
}

/** The live round's views, from the host's view (null without a round with views on show). */
export function liveStageViews(view: HostView | null, now: number): StageViews | null {
  if (view === null || view.view == null || view.round === null) return null
  const client = view.client
  return {
    maxViews: view.maxViews ?? 1,
    view: view.view,
    primary: view.primary ?? view.view % Math.max(view.replicas.length, 1),
    replaced: view.replacedPrimaries ?? [],
    timer: view.viewTimer && view.status === 'running' ? timerAt(view.viewTimer, now) : null,
    client: client
      ? {
          seat: client.seat,
          accepted: client.accepted,
          matching: Math.min(client.matching, client.needed),
          needed: client.needed,
          value: client.acceptedValue ?? client.replies.reduce<{ value: string; from: number[] } | null>((best, reply) => (best === null || reply.from.length > best.from.length ? reply : best), null)?.value ?? null,
        }
      : null,
  }
}

/** A replayed round's views after its first `upto` messages (rounds recorded before views: null). */
export function replayStageViews(trace: readonly TracedMessage[], upto: number, context: { nodes: number; f: number; hasViews: boolean; maxViews?: number; clientSeat?: number | null }): StageViews | null {
  if (!context.hasViews || context.nodes === 0) return null
  const view = viewAt(trace, upto)
  const replies = new Map<string, Set<number>>()
  for (const message of trace.slice(0, upto)) {
    if (message.phase !== 'reply' || message.status !== 'delivered' || !message.counted) continue
    const value = message.deliveredValue ?? message.value
    replies.set(value, (replies.get(value) ?? new Set()).add(message.from))
  }
  const best = [...replies].sort((a, b) => b[1].size - a[1].size)[0]
  const needed = context.f + 1
  const matching = best?.[1].size ?? 0
  return {
    maxViews: context.maxViews ?? 1,
    view,
    primary: view % context.nodes,
    replaced: Array.from({ length: view }, (_, earlier) => earlier % context.nodes),
    timer: null,
    client: { seat: context.clientSeat ?? null, accepted: matching >= needed, matching: Math.min(matching, needed), needed, value: best?.[0] ?? null },
  }
}
