import { phasesOfLog, type ReplicaView, type RoundTraceResponse } from '@pbft/protocol'
import type { ReconnectingClient } from './childServer'

/**
 * Plays a seat as a cooperative human: whenever its view says it may act, it acts once for that
 * phase. An act whose ack is lost (the server died, the socket dropped) is tried again on the
 * next view; NOT_PENDING then means the first one landed. Returns a stop function.
 */
export function autoPlay(client: ReconnectingClient, acked: string[] = []): () => void {
  const inFlight = new Set<string>()
  const done = new Set<string>()
  const onView = (view: ReplicaView): void => {
    const key = `${view.round}:${view.phase}`
    if (!view.canAct || done.has(key) || inFlight.has(key)) return
    inFlight.add(key)
    client
      .emit('replica:act', {}, 3000)
      .then((ack) => {
        if (ack.ok || ack.error.code === 'NOT_PENDING') done.add(key)
        if (ack.ok) acked.push(key)
      })
      .catch(() => undefined)
      .finally(() => {
        inFlight.delete(key)
        // The ack was lost: if the view still says act, try again.
        if (!done.has(key) && client.replica && client.connected) onView(client.replica)
      })
  }
  client.socket.on('replica:view', onView)
  if (client.replica) onView(client.replica)
  return () => client.socket.off('replica:view', onView)
}

/**
 * Per replica and phase, how many times it acted in the round's log ("exactly once" is the
 * property), and the trace's message count per (phase, sender).
 */
export function actsPerPhase(trace: RoundTraceResponse): { acts: Map<string, number>; messages: Map<string, number> } {
  const acts = new Map<string, number>()
  // Rounds with views open the client's request phase first and the replies last (view 0).
  const phases = phasesOfLog(trace.round.log, trace.round.maxViews !== undefined)
  trace.round.log.forEach((entry, at) => {
    if (entry.type === 'act' || entry.type === 'skip') {
      const key = `${phases[at] ?? 'done'}:${entry.replica}`
      acts.set(key, (acts.get(key) ?? 0) + 1)
    }
  })
  const messages = new Map<string, number>()
  for (const message of trace.trace) {
    const key = `${message.phase}:${message.from}`
    messages.set(key, (messages.get(key) ?? 0) + 1)
  }
  return { acts, messages }
}
