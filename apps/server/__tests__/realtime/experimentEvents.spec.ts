import type { ExperimentPoint, ExperimentRecord } from '@pbft/protocol'
import { describe, expect, it, vi } from 'vitest'
import { socketExperimentEvents } from '../../src/realtime/socketSink'

const point: ExperimentPoint = {
  nodes: 4,
  f: 1,
  p: 0.9,
  rounds: 1,
  seed: 1,
  pointSeed: 2,
  successes: 1,
  successRate: 1,
  ci95: [0.2, 1],
  theoreticalSuccessRate: 0.52,
  failures: { 'pre-prepare': 0, prepare: 0, commit: 0 },
  meanMessages: { sent: 16, delivered: 15, dropped: 1, rejected: 0 },
}

function record(points: number): ExperimentRecord {
  return {
    id: 'exp-1',
    status: 'done',
    config: { nodes: [4], p: [0.9], rounds: 1, seed: 1 },
    progress: { done: points, total: points },
    createdAt: '2026-01-01T00:00:00.000Z',
    results: Array.from({ length: points }, () => point),
    appVersion: '0',
    engineVersion: '0',
  }
}

/** A stand-in for the Socket.IO server: who is in the room, and what was emitted to it. */
function fakeIo(watchers: number) {
  const emitted: [string, string, unknown][] = []
  const io = {
    to: (room: string) => ({ emit: (event: string, payload: unknown) => emitted.push([room, event, payload]) }),
    in: () => ({ fetchSockets: async () => Array.from({ length: watchers }, () => ({})) }),
  }
  return { io: io as unknown as Parameters<typeof socketExperimentEvents>[0], emitted }
}

describe('experiment:finished', () => {
  it('is not encoded for a room nobody watches when the record is large (10,000 points: ~100 ms)', async () => {
    const { io, emitted } = fakeIo(0)
    socketExperimentEvents(io).finished('exp-1', record(10_000))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(emitted).toEqual([])
  })

  it('reaches watchers, large or small', async () => {
    const { io, emitted } = fakeIo(1)
    const large = record(10_000)
    socketExperimentEvents(io).finished('exp-1', large)
    socketExperimentEvents(io).finished('exp-1', record(3))
    await vi.waitFor(() => expect(emitted).toHaveLength(2))
    expect(emitted.map(([room, event]) => [room, event])).toEqual([
      ['experiment:exp-1', 'experiment:finished'],
      ['experiment:exp-1', 'experiment:finished'],
    ])
    expect(emitted.map(([, , payload]) => payload)).toContain(large)
  })
})
