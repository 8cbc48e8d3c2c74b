import type { FaultKind as EngineFaultKind, ReplicaSnapshot as EngineSnapshot, RoundSets, TracedMessage as EngineMessage } from '@pbft/engine'
import { FAULT_KINDS as ENGINE_FAULT_KINDS, QUORUM_RULES as ENGINE_RULES, ROUND_OUTCOMES, type QuorumRule as EngineRule, type RoundOutcome as EngineOutcome } from '@pbft/engine'
import {
  CLASSIC_PHASES as ENGINE_CLASSIC,
  FIRST_VIEW_PHASES as ENGINE_FIRST,
  LATER_VIEW_PHASES as ENGINE_LATER,
  MESSAGE_TYPES as ENGINE_MESSAGE_TYPES,
  type LivePhase as EngineLivePhase,
} from '@pbft/engine'
import {
  CLASSIC_PHASES,
  FAULT_KINDS,
  FIRST_VIEW_PHASES,
  LATER_VIEW_PHASES,
  MESSAGE_TYPES,
  type LivePhase,
  QUORUM_RULES,
  ROUND_OUTCOME_KINDS,
  type FaultKind,
  type QuorumRule,
  type ReplicaSnapshot,
  type RoundOutcome,
  type RoundOutcomeKind,
  type TracedMessage,
} from '@pbft/protocol'
import { describe, expect, expectTypeOf, it } from 'vitest'

/** The protocol restates engine types as schemas (it has no dependency on the engine): they must agree. */
describe('protocol schemas and engine types', () => {
  it('agree on fault kinds: the engine’s, and crash (LiveRoundOptions.crashing)', () => {
    expect(FAULT_KINDS).toEqual([...ENGINE_FAULT_KINDS, 'crash'])
    expectTypeOf<FaultKind>().toEqualTypeOf<EngineFaultKind | 'crash'>()
  })

  it('agree on message types and the phases of a round with views', () => {
    expect(MESSAGE_TYPES).toEqual(ENGINE_MESSAGE_TYPES)
    expect(CLASSIC_PHASES).toEqual(ENGINE_CLASSIC)
    expect(FIRST_VIEW_PHASES).toEqual(ENGINE_FIRST)
    expect(LATER_VIEW_PHASES).toEqual(ENGINE_LATER)
    expectTypeOf<EngineLivePhase>().toExtend<LivePhase>()
  })

  it('agree on quorum rules and the three outcomes', () => {
    expect(QUORUM_RULES).toEqual(ENGINE_RULES)
    expectTypeOf<QuorumRule>().toEqualTypeOf<EngineRule>()
    expect(ROUND_OUTCOME_KINDS).toEqual(ROUND_OUTCOMES)
    expectTypeOf<RoundOutcomeKind>().toEqualTypeOf<EngineOutcome>()
  })

  it('can carry the engine’s snapshots, messages and sets', () => {
    expectTypeOf<EngineSnapshot>().toExtend<ReplicaSnapshot>()
    expectTypeOf<EngineMessage>().toExtend<TracedMessage>()
    expectTypeOf<RoundSets>().toExtend<RoundOutcome['sets']>()
  })
})
