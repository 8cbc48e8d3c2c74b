import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ExperimentRecord, type ExperimentCreated } from '@pbft/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { RESTARTED } from '../../src/experiments/experimentService'
import { freePort, killServer, request, spawnServer, tempWebRoot, waitHealthy, type ChildServer } from './childServer'

/**
 * The real server process (src/main.ts, file store) is killed with SIGKILL right after it
 * answered 202 to `POST /api/experiments`. Acknowledged means stored: after a restart the
 * experiment must be there, failed with the reason, never 404 (it was 404 in 7 of 7 tries
 * while the record was still a temp file when the 202 went out).
 */
describe('kill -9 right after an experiment was acknowledged', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pbft-experiment-kill9-'))
  const webRoot = tempWebRoot()
  const servers: ChildServer[] = []

  afterAll(async () => {
    for (const server of servers) await killServer(server).catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(webRoot, { recursive: true, force: true })
  })

  it('finds every acknowledged experiment after the restart, failed with the reason', async () => {
    const port = await freePort()
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_ROOT: webRoot, PUBLIC_URL: `http://127.0.0.1:${port}` }
    const start = async (): Promise<ChildServer> => {
      const server = spawnServer(env)
      servers.push(server)
      await waitHealthy(server)
      return server
    }
    let server = await start()
    const acknowledged: string[] = []
    for (let attempt = 0; attempt < 3; attempt++) {
      // Seconds of work on worker threads: still running when the process dies.
      const created = await request<ExperimentCreated>(server.base, 'POST', '/api/experiments', { body: { nodes: [100], p: [0.9], rounds: 10_000_000, seed: attempt } })
      expect(created.status, JSON.stringify(created.body)).toBe(202)
      await killServer(server, 'SIGKILL')
      expect(server.child.signalCode).toBe('SIGKILL')
      acknowledged.push(created.body.id)
      server = await start()
      for (const id of acknowledged) {
        const read = await request<ExperimentRecord>(server.base, 'GET', `/api/experiments/${id}`)
        expect(read.status, `experiment ${id} after restart ${attempt + 1}: ${JSON.stringify(read.body)}`).toBe(200)
        expect(ExperimentRecord.parse(read.body)).toMatchObject({ id, status: 'failed', error: RESTARTED })
      }
    }
    const list = await request<{ experiments: { id: string; status: string }[] }>(server.base, 'GET', '/api/experiments')
    expect(list.body.experiments.map((row) => [row.id, row.status])).toEqual(acknowledged.map((id) => [id, 'failed']).reverse())
  }, 90_000)
})
