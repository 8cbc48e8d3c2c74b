import { http, sleep } from './serverChild'

/** The experiment kept running during scenarios 3a and 3b: 10 sizes × 10^6 = 10^7 rounds. */
const EXPERIMENT = { nodes: '4:31:3', p: [0.9], rounds: 1_000_000, seed: 7 }

/**
 * Keeps a 10^7-round experiment running on the server for the whole scenario: an experiment of
 * 10^7 rounds takes a few seconds, so when one ends the next starts (one at a time).
 */
export class ExperimentLoad {
  private current: string | null = null
  private cancelToken = ''
  private finishedRounds = 0
  private finished = 0
  private stopped = false
  private loop: Promise<void> = Promise.resolve()

  constructor(private readonly base: string) {}

  async start(): Promise<void> {
    await this.post()
    this.loop = this.watch()
  }

  /** Rounds done so far by every experiment this load started. */
  async rounds(): Promise<number> {
    if (!this.current) return this.finishedRounds
    const record = await http<{ progress: { done: number } }>(this.base, 'GET', `/api/experiments/${this.current}`, undefined, this.cancelToken)
    return this.finishedRounds + record.body.progress.done
  }

  /** Cancels the running one; returns how many ran to the end. */
  async stop(): Promise<number> {
    this.stopped = true
    await this.loop
    if (this.current) await http(this.base, 'DELETE', `/api/experiments/${this.current}`, undefined, this.cancelToken)
    return this.finished
  }

  private async post(): Promise<void> {
    const response = await http<{ id: string; total: number; cancelToken: string }>(this.base, 'POST', '/api/experiments', EXPERIMENT)
    if (response.status !== 202) throw new Error(`experiment: ${response.status} ${JSON.stringify(response.body)}`)
    this.current = response.body.id
    this.cancelToken = response.body.cancelToken
  }

  private async watch(): Promise<void> {
    while (!this.stopped) {
      await sleep(250)
      if (!this.current) continue
      const record = await http<{ status: string; error?: string; progress: { done: number } }>(this.base, 'GET', `/api/experiments/${this.current}`)
      if (record.body.status === 'running') continue
      if (record.body.status !== 'done') throw new Error(`experiment ${this.current} ${record.body.status}: ${record.body.error ?? ''}`)
      this.finishedRounds += record.body.progress.done
      this.finished++
      this.current = null
      if (!this.stopped) await this.post()
    }
  }
}
