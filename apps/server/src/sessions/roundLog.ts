import { LiveRound, type ByzantineChoice as EngineChoice, type FaultKind as EngineFaultKind, type TracedMessage } from '@pbft/engine'
import type { ByzantineChoice, FaultKind, LiveRoundRecord, RoundLogEntry } from '@pbft/protocol'

/**
 * A round's record and log as calls on the engine's LiveRound: the live run, restores and
 * replays all go through here, so they agree message for message.
 */

/** The engine takes numeric recipient ids; JSON objects carry them as keys. */
export function engineChoice(choice: ByzantineChoice | undefined): EngineChoice | undefined {
  if (choice === undefined) return undefined
  const { value, values, tamper, viewChanges, viewChangesFor } = choice
  const out: EngineChoice = {}
  if (value !== undefined) out.value = value
  if (values !== undefined) out.values = Object.fromEntries(Object.entries(values).map(([to, v]) => [Number(to), v]))
  if (tamper !== undefined) out.tamper = tamper
  if (viewChanges !== undefined) out.viewChanges = viewChanges
  if (viewChangesFor !== undefined) out.viewChangesFor = Object.fromEntries(Object.entries(viewChangesFor).map(([to, ids]) => [Number(to), ids]))
  return out
}

/**
 * The engine's faults for a seat's kinds: a `crash` seat is an honest replica the engine
 * makes crash once it sent a proposal as primary (LiveRoundOptions.crashing).
 */
export function engineFaults(faults: readonly FaultKind[]): { faults: EngineFaultKind[]; crashing: number[] } {
  return {
    faults: faults.map((kind) => (kind === 'crash' ? 'honest' : kind)),
    crashing: faults.flatMap((kind, id) => (kind === 'crash' ? [id] : [])),
  }
}

/** Builds the round's LiveRound from its record (the log not applied): with views when the record has `maxViews`. */
export function liveRoundOf(record: LiveRoundRecord): LiveRound {
  const { faults, crashing } = engineFaults(record.faults)
  return new LiveRound({
    config: {
      nodes: record.faults.length,
      p: record.p,
      faults,
      proposal: record.proposal,
      authentication: record.authentication,
      quorumRule: record.quorumRule,
    },
    seed: record.seed,
    crashing,
    ...(record.maxViews === undefined ? {} : { maxViews: record.maxViews }),
  })
}

/** Applies one logged call to a LiveRound (restores and replays use this, so both agree with the live run). */
export function applyEntry(live: LiveRound, entry: RoundLogEntry): readonly TracedMessage[] {
  switch (entry.type) {
    case 'act':
      return live.act(entry.replica, engineChoice(entry.choice))
    case 'skip':
      live.skip(entry.replica)
      return []
    case 'close':
      live.closePhase()
      return []
    case 'rate':
      live.setDeliveryProbability(entry.p)
      return []
    case 'view':
      live.forceViewChange()
      return []
  }
}

/** Replays a round's log: the LiveRound as it was after the last logged call. */
export function replay(record: LiveRoundRecord): LiveRound {
  const live = liveRoundOf(record)
  for (const entry of record.log) applyEntry(live, entry)
  return live
}
