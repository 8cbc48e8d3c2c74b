import { CreateSessionBody } from '@pbft/protocol'
import { describe, expect, it } from 'vitest'
import { checkTiming, newSessionConfig, publicConfig } from '../../src/sessions/sessionConfig'

const config = (body: object) => newSessionConfig(CreateSessionBody.parse({ nodeCount: 4, ...body }))

describe('newSessionConfig', () => {
  it('makes faultyNodes seats colluding equivocators from the highest id down', () => {
    expect(config({ faultyNodes: 1 }).faults).toEqual(['honest', 'honest', 'honest', 'equivocate'])
    expect(config({ faultyNodes: 2, maliciousProposer: true }).faults).toEqual(['equivocate', 'honest', 'honest', 'equivocate'])
    expect(config({ maliciousProposer: true }).faults).toEqual(['equivocate', 'honest', 'honest', 'honest'])
  })

  it('lets an explicit faults map win, with a warning when the counts disagree', () => {
    const { faults, warnings } = config({ faults: { 2: 'tamper' }, faultyNodes: 2 })
    expect(faults).toEqual(['honest', 'honest', 'tamper', 'honest'])
    expect(warnings[0]).toMatch(/faultyNodes and maliciousProposer were ignored/)
    expect(config({ faults: { 2: 'tamper' }, faultyNodes: 1 }).warnings).toEqual([])
  })

  it('warns when faulty > f or N is not 3f + 1, but accepts it', () => {
    expect(config({ faultyNodes: 2 }).warnings.join()).toMatch(/2 Byzantine replicas exceed f = 1/)
    expect(newSessionConfig(CreateSessionBody.parse({ nodeCount: 5 })).warnings.join()).toMatch(/N = 5 is not 3f \+ 1 = 4/)
    expect(config({}).warnings).toEqual([])
  })

  it('reports faults back as the original fields', () => {
    const { settings, faults } = config({ faultyNodes: 2, maliciousProposer: true })
    expect(publicConfig(settings, faults)).toMatchObject({ faultyNodes: 2, maliciousProposer: true, faults: { 0: 'equivocate', 3: 'equivocate' } })
  })
})

describe('checkTiming', () => {
  it('needs bots (pacing + stagger) to finish within half the phase timeout', () => {
    expect(() => checkTiming({ pacingMs: 20, phaseTimeoutMs: 60 })).not.toThrow()
    expect(() => checkTiming({ pacingMs: 20, phaseTimeoutMs: 59 })).toThrow(/at least 60 ms/)
    expect(() => checkTiming({ pacingMs: 0, phaseTimeoutMs: 200 })).not.toThrow()
  })
})
