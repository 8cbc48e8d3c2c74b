import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'
import { DomainError } from '../errors/domainError'

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i
/** `name`, `1.2.3.4` or `[v6]`, then an optional port: what a Host header may be (RFC 9110 §7.2, minus user info). */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::(\d{1,5}))?$/

/** The first IPv4 address other machines on the LAN can reach, if any. */
export function lanAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return entry.address
    }
  }
  return null
}

/** Every address of this machine (IPv6 ones in brackets, as they appear in a Host header). */
export function ownAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): Set<string> {
  const addresses = new Set<string>()
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) addresses.add(entry.family === 'IPv6' ? `[${entry.address}]` : entry.address)
  }
  return addresses
}

/** A Host header taken apart; throws 400 VALIDATION for anything that is not `host[:port]`. */
export function parseHostHeader(host: string | undefined): { hostname: string; port: number | null } {
  const match = HOST_HEADER.exec(host ?? '')
  const port = match?.[2] === undefined ? null : Number(match[2])
  if (!match?.[1] || (port !== null && (port < 1 || port > 65535))) {
    throw new DomainError('VALIDATION', `headers.host: ${JSON.stringify((host ?? '').slice(0, 100))} is not a host name or address with an optional port 1..65535`)
  }
  return { hostname: match[1], port }
}

export interface JoinRequest {
  protocol: string
  /** The Host header as received: untrusted. */
  host: string
  /** The port the connection reached (the socket's local port), when known. */
  localPort?: number
  /** The address the connection reached, when known. */
  localAddress?: string
}

/**
 * The origin phones should use in join links and QR codes. PUBLIC_URL wins when set (a proxy,
 * a DNS name). Otherwise the Host header, which any client may forge, is used only when it
 * names this machine (one of its addresses, or loopback) and is never reflected otherwise: a
 * name we cannot vouch for is replaced by the LAN address, so a forged header cannot put a
 * foreign site into a QR code. A loopback host (a dashboard opened as `localhost`) would send
 * every phone to itself, so it is replaced by the LAN address too, keeping the port. A Host
 * header that is not `host[:port]` is refused (400) before anything is created.
 */
export function joinOrigin(
  request: JoinRequest,
  publicUrl: string | undefined,
  lan: string | null = lanAddress(),
  own: ReadonlySet<string> = ownAddresses(),
): string {
  const { hostname, port: headerPort } = parseHostHeader(request.host)
  if (publicUrl) return publicUrl.replace(/\/+$/, '')
  const protocol = request.protocol === 'https' ? 'https' : 'http'
  const port = headerPort ?? request.localPort ?? null
  const loopback = LOOPBACK.test(hostname)
  let name: string
  if (loopback) name = lan ?? hostname
  else if (own.has(hostname) || hostname === lan) name = hostname
  else name = lan ?? localName(request.localAddress) ?? 'localhost'
  const url = new URL(`${protocol}://${name}`)
  if (port !== null) url.port = String(port)
  return url.origin
}

/** The connection's local address as a URL host name (brackets for IPv6, IPv4-mapped unwrapped). */
function localName(address: string | undefined): string | null {
  if (!address) return null
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1]
  if (v4) return v4
  return address.includes(':') ? `[${address}]` : address
}
