import { describe, expect, it } from 'vitest'
import { joinOrigin, lanAddress, parseHostHeader } from '../../src/http/joinOrigin'
import { refusalOf } from '../errors/refusalOf'

const OWN = new Set(['127.0.0.1', '192.168.1.20', '[fe80::1]'])

describe('joinOrigin', () => {
  it('uses PUBLIC_URL when it is set', () => {
    expect(joinOrigin({ protocol: 'http', host: 'localhost:3000' }, 'https://pbft.example.edu/', '10.0.0.5')).toBe('https://pbft.example.edu')
  })

  it('never hands phones a localhost link: the LAN address replaces it, port kept', () => {
    expect(joinOrigin({ protocol: 'http', host: 'localhost:3000' }, undefined, '192.168.1.20')).toBe('http://192.168.1.20:3000')
    expect(joinOrigin({ protocol: 'http', host: '127.0.0.1:8080' }, undefined, '192.168.1.20')).toBe('http://192.168.1.20:8080')
    expect(joinOrigin({ protocol: 'http', host: '[::1]:8080' }, undefined, '192.168.1.20')).toBe('http://192.168.1.20:8080')
  })

  it('keeps an address of this machine the host already reached over the network', () => {
    expect(joinOrigin({ protocol: 'http', host: '192.168.1.20:3000' }, undefined, '10.0.0.1', OWN)).toBe('http://192.168.1.20:3000')
  })

  it('never reflects a host name it cannot vouch for: the LAN address (or the local address) replaces it', () => {
    expect(joinOrigin({ protocol: 'http', host: 'evil.example:3000' }, undefined, '192.168.1.20', OWN)).toBe('http://192.168.1.20:3000')
    expect(joinOrigin({ protocol: 'http', host: 'evil.example', localPort: 8080 }, undefined, '192.168.1.20', OWN)).toBe('http://192.168.1.20:8080')
    expect(joinOrigin({ protocol: 'http', host: 'evil.example', localPort: 8080, localAddress: '::ffff:127.0.0.1' }, undefined, null, OWN)).toBe(
      'http://127.0.0.1:8080',
    )
  })

  it('refuses a malformed Host header with 400 VALIDATION, PUBLIC_URL or not', async () => {
    for (const host of ['a b', '[', ':80', '', 'x:99999', 'x:0', 'user@x', 'x/y', 'x:80:80']) {
      expect(await refusalOf(() => joinOrigin({ protocol: 'http', host }, undefined, '192.168.1.20', OWN)), host).toMatchObject({ status: 400, code: 'VALIDATION' })
      expect(() => joinOrigin({ protocol: 'http', host }, 'https://pbft.example.edu', null, OWN), host).toThrow(/headers\.host/)
    }
    expect(parseHostHeader('[::1]:3000')).toEqual({ hostname: '[::1]', port: 3000 })
  })

  it('falls back to the request origin on a machine without a LAN address', () => {
    expect(joinOrigin({ protocol: 'http', host: 'localhost:3000' }, undefined, null)).toBe('http://localhost:3000')
  })
})

describe('lanAddress', () => {
  it('picks the first external IPv4 address', () => {
    const base = { netmask: '', mac: '', cidr: null }
    const interfaces = {
      lo: [{ ...base, address: '127.0.0.1', family: 'IPv4' as const, internal: true }],
      eth0: [
        { ...base, address: 'fe80::1', family: 'IPv6' as const, internal: false, scopeid: 0 },
        { ...base, address: '192.168.1.20', family: 'IPv4' as const, internal: false },
      ],
    }
    expect(lanAddress(interfaces)).toBe('192.168.1.20')
    expect(lanAddress({ lo: interfaces.lo })).toBeNull()
  })
})
