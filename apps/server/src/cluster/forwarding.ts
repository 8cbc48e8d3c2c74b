import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError } from '../errors/domainError'
import { FORWARDED_HEADER } from '../http/headers'
import { runSessionCommand, type CommandResults, type CommandRunner, type SessionCommand } from '../sessions/sessionCommands'
import type { SessionService } from '../sessions/sessionService'
import type { ClusterLink } from './link'
import type { Ownership, Where } from './ownership'
import { storageUnavailable } from './redisErrors'
import type { RemoteSeats } from './remoteSeats'
import { UnreachableError } from './rpc'

/** What one instance asks a session's owner: a session command (parsed at the sending edge), or an HTTP request. */
export type SessionRequest =
  | { kind: 'command'; sessionId: string; command: SessionCommand }
  | { kind: 'http'; sessionId: string; method: string; url: string; headers: Record<string, string>; body?: string }

interface HttpAnswer {
  status: number
  contentType?: string
  body: string
}

const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'user-agent', 'x-forwarded-for']

/**
 * Forwarding, not replication: REST calls under `/api/sessions/<id>` and session commands that
 * reach an instance which does not own the session are sent to the owner over the cluster's
 * RPC; the owner runs the same code (`app.inject` for HTTP, `runSessionCommand` for commands)
 * and returns the answer. When the owner is gone its lease is left to expire, and then this
 * process takes the session over (see Ownership).
 */
export class Forwarding {
  /** Session commands, run here when the session is held here, else on its owner. */
  readonly commands: CommandRunner

  constructor(
    private readonly link: ClusterLink,
    private readonly ownership: Ownership,
    private readonly sessions: SessionService,
    private readonly app: FastifyInstance,
    /** Through which instance each seat entered (the owner marks them away when it dies). */
    private readonly seats: RemoteSeats,
  ) {
    this.commands = {
      run: (sessionId, command) =>
        sessionId === null || this.sessions.has(sessionId) ? runSessionCommand(this.sessions, command) : this.forward(sessionId.toUpperCase(), command),
    }
  }

  /**
   * Forwards `/api/sessions/<id>…` requests for sessions owned elsewhere. Installed before the
   * session routes are registered (Fastify applies hooks to routes registered after them).
   */
  installHttpForwarding(): void {
    this.app.addHook('preValidation', async (request, reply) => {
      const id = sessionIdOf(request.url)
      if (id === null) return
      const where = await this.ownership.locate(id)
      // A forwarded request is answered here whatever happens: never forwarded twice.
      if (where.kind !== 'remote' || request.headers[FORWARDED_HEADER] !== undefined) return
      const answer = (await this.callOwner(id, where.owner, {
        kind: 'http',
        sessionId: id,
        method: request.method,
        url: request.url,
        headers: forwardedHeaders(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      })) as HttpAnswer
      if (answer.contentType !== undefined) void reply.header('content-type', answer.contentType)
      return reply.code(answer.status).send(answer.body)
    })
  }

  /** A request another instance forwarded here, because it thinks this process owns the session. */
  async handle(request: SessionRequest, from: string): Promise<unknown> {
    const where = await this.ownership.locate(request.sessionId)
    if (request.kind === 'http') return this.answerHttp(request, from)
    if (where.kind === 'remote') throw new DomainError('BUSY', `session ${request.sessionId} moved to another server; try again`)
    // Before the command runs: a seat marked online must always be found again.
    if (from !== this.link.instanceId) this.seats.track(from, request.command)
    return runSessionCommand(this.sessions, request.command)
  }

  private async forward<C extends SessionCommand>(id: string, command: C): Promise<Awaited<CommandResults[C['kind']]>> {
    const where = await this.ownership.locate(id)
    if (where.kind !== 'remote') return await runSessionCommand(this.sessions, command)
    // The owner answers with the command's result, as JSON.
    return (await this.callOwner(id, where.owner, { kind: 'command', sessionId: id, command })) as Awaited<CommandResults[C['kind']]>
  }

  /**
   * Sends a request to the session's owner. When the owner is gone (nobody listens on its
   * channel) its lease is left to expire, and then this process takes the session over.
   */
  private async callOwner(id: string, owner: string, request: SessionRequest): Promise<unknown> {
    const deadline = Date.now() + 2 * this.link.ttlMs + 1000
    let target: Where = { kind: 'remote', owner }
    for (;;) {
      if (target.kind !== 'remote') {
        return request.kind === 'http' ? this.answerHttp(request, this.link.instanceId) : runSessionCommand(this.sessions, request.command)
      }
      try {
        return await this.link.rpc.call(target.owner, request)
      } catch (error) {
        if (!(error instanceof UnreachableError) || Date.now() > deadline || this.ownership.isStopped) {
          if (error instanceof UnreachableError) throw new DomainError('BUSY', `the server that owns session ${id} is gone; try again in a moment`)
          throw storageUnavailable(error)
        }
      }
      const left = await this.ownership.remainingMs(id).catch(() => 100)
      await sleep(Math.min(Math.max(left, 20), this.link.ttlMs) + 10)
      target = await this.ownership.locate(id)
    }
  }

  private async answerHttp(request: Extract<SessionRequest, { kind: 'http' }>, from: string): Promise<HttpAnswer> {
    const response = await this.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: { ...request.headers, [FORWARDED_HEADER]: from },
      ...(request.body === undefined ? {} : { payload: request.body }),
    })
    const contentType = response.headers['content-type']
    return { status: response.statusCode, body: response.body, ...(typeof contentType === 'string' ? { contentType } : {}) }
  }
}

/** The (upper-case) session id of `/api/sessions/<id>…`, or null for other paths. */
function sessionIdOf(url: string): string | null {
  const match = /^\/api\/sessions\/([^/?#]+)/.exec(url)
  if (!match?.[1]) return null
  try {
    return decodeURIComponent(match[1]).toUpperCase()
  } catch {
    return null
  }
}

function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  return headers
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
