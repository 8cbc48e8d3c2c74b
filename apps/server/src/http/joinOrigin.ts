import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i

/** The first IPv4 address other machines on the LAN can reach, if any. */
export function lanAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return entry.address
    }
  }
  return null
}

/**
 * The origin phones should use in join links and QR codes. PUBLIC_URL wins when set (a proxy,
 * a DNS name). Otherwise the request's own origin, except that a host who opened the dashboard
 * as `localhost` would hand out a link that leads every phone to itself: that host name is
 * replaced by the machine's LAN address, keeping the port.
 */
export function joinOrigin(
  request: { protocol: string; host: string },
  publicUrl: string | undefined,
  lan: string | null = lanAddress(),
): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '')
  const url = new URL(`${request.protocol}://${request.host}`)
  if (LOOPBACK.test(url.hostname) && lan !== null) url.hostname = lan
  return url.origin
}
