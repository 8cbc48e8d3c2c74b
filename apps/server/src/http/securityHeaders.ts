import fastifyHelmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The Content-Security-Policy of every answer. The built app is same-origin module scripts
 * and stylesheets only (no inline script); Element Plus and ECharts set styles from scripts,
 * and Vue's style bindings write `style` attributes, hence `'unsafe-inline'` for styles only.
 * The QR code is a data: image; the experiment worker is a same-origin module file; sockets
 * and fetches go to this server (`'self'` covers its ws:// too). Swagger UI at /docs works
 * under the same policy (its bundle is served from here and it fetches /docs/json).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // Phones reach a classroom server over plain http on the LAN: never upgrade to https.
  upgradeInsecureRequests: null,
}

/**
 * Security headers on every answer (@fastify/helmet): the CSP above, `X-Frame-Options` and
 * `frame-ancestors 'none'` (no other site can frame the dashboard to click for the host),
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (join links carry the
 * session code). HSTS stays off: the server is usually reached over http on a LAN, where
 * Strict-Transport-Security would only break a later visit.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    // Pages are same-origin; a phone's socket and assets come from the same server.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: false,
    xFrameOptions: { action: 'deny' },
  })
}

export const securityHeaders = fp(async (app) => registerSecurityHeaders(app), { fastify: '5.x', name: 'pbft-security-headers' })
