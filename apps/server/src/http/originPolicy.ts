import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { IncomingMessage } from 'node:http'
import { errorBody } from './errors'
import { lanAddress, ownAddresses } from './joinOrigin'

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

export interface OriginPolicyOptions {
  /** PUBLIC_URL: pages served through it send this origin. */
  publicUrl?: string
  /** The LAN address phones use (undefined: detect it; null: none). */
  lanAddress?: string | null
}

/**
 * Which browser origins may change state here: the server's own pages. A page's `Origin` is
 * its scheme, host and port; ours are served from this very server, so they carry the Host
 * the browser sent (same origin), PUBLIC_URL, or one of this machine's addresses (the LAN
 * address of the QR code, loopback) on the port the request reached. Anything else is another
 * site, in another tab of a phone on the same network. Clients without an Origin header (Node
 * scripts, the CLI, tests) are not browsers acting for another site, and stay allowed.
 */
export class OriginPolicy {
  private readonly publicOrigin: string | null
  private readonly addresses: Set<string>

  constructor(options: OriginPolicyOptions = {}) {
    this.publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : null
    this.addresses = ownAddresses()
    const lan = options.lanAddress === undefined ? lanAddress() : options.lanAddress
    if (lan) this.addresses.add(lan)
    for (const name of LOOPBACK_NAMES) this.addresses.add(name)
  }

  /** Whether a request with these headers comes from one of our own pages (or from no browser page at all). */
  allows(request: Pick<IncomingMessage, 'headers'> & { socket?: { localPort?: number } }): boolean {
    const origin = request.headers.origin
    if (origin === undefined) return true
    if (origin === this.publicOrigin) return true
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      return false
    }
    if (url.origin !== origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false
    if (request.headers.host !== undefined && url.host === request.headers.host) return true
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
    return this.addresses.has(url.hostname) && port === request.socket?.localPort
  }
}

/**
 * Guards against other sites in the same browser (a phone on the classroom network browsing
 * anywhere): a cross-site form or `fetch(url, { mode: 'no-cors' })` can send a POST with a
 * text/plain body, or none, without any CORS check. So every state-changing request
 *  - with a body must say it is JSON (`application/json`: a cross-site page cannot send that
 *    without a CORS preflight, which this server never grants): else 415 UNSUPPORTED_MEDIA_TYPE;
 *  - from a browser page of another origin is refused: 403 FORBIDDEN_ORIGIN.
 */
export function installOriginGuards(app: FastifyInstance, policy: OriginPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!STATE_CHANGING.has(request.method)) return
    if (!policy.allows(request.raw)) {
      return reply.status(403).send(errorBody('FORBIDDEN_ORIGIN', `requests from pages of ${String(request.headers.origin).slice(0, 100)} may not change anything here`))
    }
    const length = request.headers['content-length']
    const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
    const type = request.headers['content-type']
    if (hasBody && (type === undefined || !JSON_TYPE.test(type))) {
      return reply
        .status(415)
        .send(errorBody('UNSUPPORTED_MEDIA_TYPE', `a request body must be JSON with "Content-Type: application/json" (got ${type === undefined ? 'none' : JSON.stringify(type.slice(0, 100))})`))
    }
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Which browser origins may change state, or open a socket (see OriginPolicy). */
    originPolicy: OriginPolicy
  }
}

/** The origin guards, before any route: pages of other sites may not change anything. */
export const originGuards = fp<OriginPolicyOptions>(
  async (app, options) => {
    const policy = new OriginPolicy(options)
    app.decorate('originPolicy', policy)
    installOriginGuards(app, policy)
  },
  { fastify: '5.x', name: 'pbft-origin-guards' },
)
