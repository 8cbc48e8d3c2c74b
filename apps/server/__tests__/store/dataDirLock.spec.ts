import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LOCK_FILE } from '../../src/store/dataDirLock'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { StoreError } from '../../src/store/sessionStore'

/** A live Node.js process that is not this one, as a second server would be. */
function otherNode(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setTimeout(() => {}, 20000)'], { stdio: ['ignore', 'pipe', 'ignore'] })
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child))
    child.once('error', reject)
  })
}

describe('one server per DATA_DIR', () => {
  let dataDir: string
  const children: ChildProcess[] = []

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pbft-lock-'))
  })
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('holds the lock with its pid while open and releases it on close', async () => {
    const store = await FileSessionStore.open(dataDir)
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid))
    await store.close()
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
  })

  it('refuses a directory another live server holds, naming its pid, and takes it once that one is gone', async () => {
    const other = await otherNode()
    children.push(other)
    writeFileSync(join(dataDir, LOCK_FILE), `${other.pid}\n`)
    const error = await FileSessionStore.open(dataDir).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ code: 'IN_USE' })
    expect((error as Error).message).toContain(`pid ${other.pid}`)
    expect((error as Error).message).toContain(dataDir)

    const exited = new Promise((resolve) => other.once('exit', resolve))
    other.kill('SIGKILL')
    await exited
    const store = await FileSessionStore.open(dataDir)
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid))
    await store.close()
  })

  it('takes over a stale lock (a crashed server, or garbage in the file)', async () => {
    for (const content of ['2147483646\n', 'not a pid']) {
      writeFileSync(join(dataDir, LOCK_FILE), content)
      const store = await FileSessionStore.open(dataDir)
      await store.saveSession('S1', { v: 1 })
      await store.close()
    }
  })
})
