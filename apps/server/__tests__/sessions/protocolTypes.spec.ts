import type { FaultKind as EngineFaultKind, ReplicaSnapshot as EngineSnapshot, RoundSets, TracedMessage as EngineMessage } from '@pbft/engine'
import { FAULT_KINDS as ENGINE_FAULT_KINDS } from '@pbft/engine'
import { FAULT_KINDS, type FaultKind, type ReplicaSnapshot, type RoundOutcome, type TracedMessage } from '@pbft/protocol'
import { describe, expect, expectTypeOf, it } from 'vitest'

/** The protocol restates engine types as schemas (it has no dependency on the engine): they must agree. */
describe('protocol schemas and engine types', () => {
  it('agree on fault kinds', () => {
    expect(FAULT_KINDS).toEqual(ENGINE_FAULT_KINDS)
    expectTypeOf<FaultKind>().toEqualTypeOf<EngineFaultKind>()
  })

  it('can carry the engine’s snapshots, messages and sets', () => {
    expectTypeOf<EngineSnapshot>().toExtend<ReplicaSnapshot>()
    expectTypeOf<EngineMessage>().toExtend<TracedMessage>()
    expectTypeOf<RoundSets>().toExtend<RoundOutcome['sets']>()
  })
})
