import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ExperimentRecord, type ExperimentCreated } from '@pbft/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { RESTARTED } from '../../src/experiments/experimentService'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { startTestServer, type TestServer } from '../http/testServer'

async function settled(server: TestServer, id: string): Promise<ExperimentRecord> {
  for (;;) {
    const { body } = await server.request<ExperimentRecord>('GET', `/api/experiments/${id}`)
    if (body.status !== 'running') return body
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('experiments across a restart (file store)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pbft-experiments-'))
  const servers: TestServer[] = []

  afterAll(async () => {
    for (const server of servers) await server.app.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function start(): Promise<TestServer> {
    const server = await startTestServer({ store: await FileSessionStore.open(dataDir) })
    servers.push(server)
    return server
  }

  it('keeps finished experiments, and fails those a dead or stopped server left running', async () => {
    const first = await start()
    // Small enough for the event loop (the default threshold): still answered 202 'running' first.
    const created = await first.request<ExperimentCreated>('POST', '/api/experiments', { nodes: [4, 10], p: '0.8:1:0.1', rounds: 2000, seed: 7 })
    expect(created.status).toBe(202)
    expect(created.body.status).toBe('running')
    const done = await settled(first, created.body.id)
    expect(done.status).toBe('done')
    expect(done.results).toHaveLength(6)

    // A run still going when the app closes is stopped and stored as failed.
    const long = await first.request<ExperimentCreated>('POST', '/api/experiments', { nodes: [100], p: [0.9], rounds: 10_000_000 })
    // A crash mid-run leaves a 'running' document behind; a torn write leaves garbage.
    const crashed: ExperimentRecord & { v: 1 } = { ...done, v: 1, id: 'crashed', status: 'running', results: undefined, finishedAt: undefined }
    writeFileSync(join(dataDir, 'experiments', 'crashed.json'), JSON.stringify(crashed))
    writeFileSync(join(dataDir, 'experiments', 'torn.json'), '{"v":1,"id":')
    writeFileSync(join(dataDir, 'experiments', 'alien.json'), '{"v":99}')
    // A document stored before results went one per line: one line, results inline.
    const { v: _v, cancelTokenHash: _hash, ...legacy } = JSON.parse(readFileSync(join(dataDir, 'experiments', `${done.id}.json`), 'utf8').replaceAll('\n', '')) as ExperimentRecord & { v: 1; cancelTokenHash: string }
    writeFileSync(join(dataDir, 'experiments', 'legacy1.json'), `${JSON.stringify({ v: 1, ...legacy, id: 'legacy1' })}\n`)
    await first.app.close()
    servers.pop()

    const second = await start()
    const reloaded = await second.request<ExperimentRecord>('GET', `/api/experiments/${done.id}`)
    expect(reloaded.status).toBe(200)
    expect(ExperimentRecord.parse(reloaded.body)).toEqual(done)
    expect((await second.request<ExperimentRecord>('GET', '/api/experiments/crashed')).body).toMatchObject({
      status: 'failed',
      error: RESTARTED,
    })
    expect((await second.request<ExperimentRecord>('GET', `/api/experiments/${long.body.id}`)).body).toMatchObject({
      status: 'failed',
      error: 'server stopped',
    })
    expect((await second.request('GET', '/api/experiments/torn')).status).toBe(404)
    expect(second.experiments.warnings.join('\n')).toContain('torn')
    expect(second.experiments.warnings.join('\n')).toContain('alien')
    expect(second.experiments.warnings).toHaveLength(2)
    // The legacy document reads as before, and is stored again one result per line.
    const converted = await second.request<ExperimentRecord>('GET', '/api/experiments/legacy1')
    expect(ExperimentRecord.parse(converted.body)).toEqual({ ...done, id: 'legacy1' })
    await expect.poll(() => readFileSync(join(dataDir, 'experiments', 'legacy1.json'), 'utf8').split('\n')[0]).toMatch(/,"results":\[$/)
    expect(readdirSync(join(dataDir, 'experiments')).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})
