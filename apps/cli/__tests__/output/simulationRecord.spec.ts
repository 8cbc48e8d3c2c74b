import { describe, expect, it } from 'vitest'
import type { SimulationResult } from '../../src/engine'
import { toSimulationRecord } from '../../src/output/simulationRecord'

// Keys deliberately out of order: the record must impose its own.
const result: SimulationResult = {
  clientAcceptRate: 0.7,
  clientAccepts: 7,
  meanViews: 1.5,
  views: 3,
  quorumRule: 'castro-liskov',
  path: 'message',
  meanMessages: { rejected: 0, dropped: 1, delivered: 9, sent: 10 },
  safetyViolations: 0,
  failures: { commit: 3, prepare: 2, 'pre-prepare': 1 },
  ci95: [0.1, 0.3],
  successRate: 0.2,
  successes: 2,
  seed: 5,
  rounds: 10,
  p: null,
  f: 1,
  nodes: 4,
}

describe('toSimulationRecord', () => {
  it('lists the keys in the documented order', () => {
    const record = toSimulationRecord(result, null, 12)
    expect(JSON.stringify(record)).toBe(
      '{"nodes":4,"f":1,"p":null,"rounds":10,"seed":5,"successes":2,"successRate":0.2,"ci95":[0.1,0.3],' +
        '"theoreticalSuccessRate":null,"failures":{"pre-prepare":1,"prepare":2,"commit":3},"elapsedMs":12,' +
        '"safetyViolations":0,"meanMessages":{"sent":10,"delivered":9,"dropped":1,"rejected":0},"path":"message",' +
        '"quorumRule":"castro-liskov","views":3,"meanViews":1.5,"clientAcceptRate":0.7}',
    )
  })
})
