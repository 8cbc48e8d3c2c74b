import { describe, expect, it } from 'vitest'
import { modeOf, parseExperiment, REQUIRED, type ExperimentText } from '../../src/experiment/inputs'

const valid: ExperimentText = { nodes: '4,7,10', p: '0.9', rounds: '1000', seed: '1' }

describe('parseExperiment', () => {
  it('parses lists and ranges with the CLI syntax', () => {
    const parsed = parseExperiment({ nodes: '4, 7,10:16:3', p: '0.5:1:0.25', rounds: '1e3', seed: '42' })
    expect(parsed.problems).toEqual({})
    expect(parsed.inputs).toEqual({ nodes: [4, 7, 10, 13, 16], p: [0.5, 0.75, 1], rounds: 1000, seed: 42, quorumRules: ['original'] })
  })

  it('runs one rule or both, and counts each rule’s points against the server’s caps', () => {
    expect(parseExperiment(valid, 'castro-liskov').inputs?.quorumRules).toEqual(['castro-liskov'])
    expect(parseExperiment(valid, 'both').inputs?.quorumRules).toEqual(['original', 'castro-liskov'])
    const big = { nodes: '1:50', p: '0:1:0.01', rounds: '1', seed: '1' }
    expect(parseExperiment(big).problems).toEqual({})
    expect(parseExperiment(big, 'both').problems.form).toMatch(/^nodes × p × quorum rules gives 10100 points/)
  })

  it('chooses the mode from the number of p values', () => {
    expect(modeOf({ p: [0.9] })).toBe('convergence')
    expect(modeOf({ p: [0.5, 0.6] })).toBe('sweep')
    expect(parseExperiment(valid).pCount).toBe(1)
    expect(parseExperiment({ ...valid, p: '0.5:1:0.01' }).pCount).toBe(51)
  })

  it('reports each bad field with the parser message, and no inputs', () => {
    const parsed = parseExperiment({ nodes: '4,x', p: '1.5', rounds: '0', seed: '' })
    expect(parsed.inputs).toBeNull()
    expect(parsed.problems).toEqual({
      nodes: 'x is not a number',
      p: '1.5 is not a probability in [0, 1]',
      rounds: '0 is not an integer >= 1',
      seed: REQUIRED,
    })
  })

  it('still knows the mode while another field is wrong', () => {
    expect(parseExperiment({ ...valid, rounds: 'many', p: '0.5:1:0.1' }).pCount).toBe(6)
  })

  it('refuses the sweeps the server would refuse, naming the field', () => {
    const parsed = parseExperiment({ nodes: '100:10000:100', p: '0:1:0.001', rounds: '1000000', seed: '1' })
    expect(parsed.inputs).toBeNull()
    expect(parsed.problems.rounds ?? parsed.problems.form).toMatch(/more than the|too large/)
  })

  it('caps the rounds of a browser run like a sweep', () => {
    const parsed = parseExperiment({ nodes: '4:10', p: '0.9', rounds: '1000000000', seed: '1' })
    expect(parsed.problems.rounds).toMatch(/^nodes × p × rounds gives 7000000000 rounds/)
  })
})
