import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { DomainError, isDomainErrorCode } from '../errors/domainError'

/** The target instance has no subscriber: it is gone (crashed or shut down). */
export class UnreachableError extends Error {
  override name = 'UnreachableError'
}

/**
 * The target did not answer in time. A session's clients get it as BUSY (409: try again); the
 * experiment routes answer it as 503 UNAVAILABLE (see cluster/experiments.ts).
 */
export class RpcTimeoutError extends DomainError {
  override name = 'RpcTimeoutError'

  constructor(message: string) {
    super('BUSY', message)
  }
}

type Message =
  | { t: 'req'; id: string; from: string; body: unknown }
  | { t: 'res'; id: string; ok: true; value: unknown }
  | { t: 'res'; id: string; ok: false; error: { name: string; code?: string; message: string } }
  | { t: 'cast'; from: string; body: unknown }

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  timer: NodeJS.Timeout
}

export interface RpcOptions {
  keyPrefix: string
  instanceId: string
  timeoutMs: number
  log: { error(message: string): void }
}

/** What an instance does with what it receives: given to `start`, once the services exist. */
export interface RpcHandlers {
  /** Answers a request (its value, or the DomainError it throws, goes back to the caller). */
  handle: (body: unknown, from: string) => Promise<unknown>
  /** A message every instance receives (this one included). */
  onBroadcast: (body: unknown, from: string) => void
}

/**
 * A small request/response channel between instances over Redis PUB/SUB: each instance
 * subscribes to `<prefix>:rpc:<instanceId>`; a request names the caller, whose channel gets
 * the answer. A request to a channel nobody listens on fails at once (PUBLISH counts
 * receivers), which is how a caller learns that a session's owner is gone.
 */
export class RedisRpc {
  private readonly pending = new Map<string, Pending>()
  private closed = false
  private handlers: RpcHandlers | null = null

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly options: RpcOptions,
  ) {}

  private channel(instanceId: string): string {
    return `${this.options.keyPrefix}:rpc:${instanceId}`
  }

  private get broadcastChannel(): string {
    return `${this.options.keyPrefix}:cluster`
  }

  /** Subscribes; from now on requests to this instance are answered by `handlers`. */
  async start(handlers: RpcHandlers): Promise<void> {
    this.handlers = handlers
    this.subscriber.on('message', (_channel: string, raw: string) => this.receive(raw))
    await this.subscriber.subscribe(this.channel(this.options.instanceId), this.broadcastChannel)
  }

  async call(target: string, body: unknown): Promise<unknown> {
    if (this.closed) throw new UnreachableError('this instance is shutting down')
    const id = randomUUID()
    const message: Message = { t: 'req', id, from: this.options.instanceId, body }
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new RpcTimeoutError(`the server that owns this session (${target}) did not answer within ${this.options.timeoutMs} ms; try again`))
      }, this.options.timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
    })
    const receivers = await this.redis.publish(this.channel(target), JSON.stringify(message)).catch((error: unknown) => {
      this.settle(id, (p) => p.reject(error))
      return -1
    })
    if (receivers === 0) this.settle(id, (p) => p.reject(new UnreachableError(`instance ${target} is not listening`)))
    return answer
  }

  async broadcast(body: unknown): Promise<void> {
    if (this.closed) return
    const message: Message = { t: 'cast', from: this.options.instanceId, body }
    await this.redis.publish(this.broadcastChannel, JSON.stringify(message))
  }

  /** Stops listening at once (a crash test calls it too) and fails the calls still waiting. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.subscriber.disconnect()
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(new UnreachableError('this instance is shutting down')))
  }

  private settle(id: string, action: (pending: Pending) => void): void {
    const pending = this.pending.get(id)
    if (!pending) return
    this.pending.delete(id)
    clearTimeout(pending.timer)
    action(pending)
  }

  private receive(raw: string): void {
    let message: Message
    try {
      message = JSON.parse(raw) as Message
    } catch {
      return
    }
    switch (message.t) {
      case 'res':
        this.settle(message.id, (p) => (message.ok ? p.resolve(message.value) : p.reject(decodeError(message.error))))
        break
      case 'cast':
        this.handlers?.onBroadcast(message.body, message.from)
        break
      case 'req':
        void this.answer(message)
        break
    }
  }

  private async answer(request: Extract<Message, { t: 'req' }>): Promise<void> {
    let reply: Message
    try {
      if (!this.handlers) throw new DomainError('BUSY', 'this server is starting; try again')
      reply = { t: 'res', id: request.id, ok: true, value: await this.handlers.handle(request.body, request.from) }
    } catch (error) {
      if (!(error instanceof DomainError)) {
        this.options.log.error(`forwarded request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      }
      reply = { t: 'res', id: request.id, ok: false, error: encodeError(error) }
    }
    await this.redis.publish(this.channel(request.from), JSON.stringify(reply)).catch(() => undefined)
  }
}

/** A refusal crosses instances as its code and message; anything else as an internal error. */
function encodeError(error: unknown): { name: string; code?: string; message: string } {
  if (error instanceof DomainError) return { name: 'DomainError', code: error.code, message: error.message }
  return { name: 'Error', message: 'internal server error' }
}

function decodeError(error: { name: string; code?: string; message: string }): Error {
  if (error.name === 'DomainError' && error.code !== undefined && isDomainErrorCode(error.code)) return new DomainError(error.code, error.message)
  return new Error(error.message)
}
