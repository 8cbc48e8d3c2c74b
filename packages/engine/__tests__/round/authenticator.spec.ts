import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Authenticator, deriveRoundSecret } from '../../src/round/authenticator'
import { canonicalEncoding, digestOf, type Message, type MessageDraft } from '../../src/round/message'

const draft: MessageDraft = { phase: 'prepare', view: 0, sequence: 1, value: 'v', from: 1, to: 2 }

describe('Authenticator', () => {
  const auth = new Authenticator('round secret')
  const signed = auth.sign(draft)

  it('signs with the digest of the value and a MAC that verifies', () => {
    expect(signed).toMatchObject(draft)
    expect(signed.digest).toBe(digestOf('v'))
    expect(signed.mac).toMatch(/^[0-9a-f]{64}$/)
    expect(auth.verify(signed)).toBe(true)
  })

  it('detects any change of value, digest, phase, view, sequence, sender, recipient or MAC', () => {
    const altered: Message[] = [
      { ...signed, value: 'v*' },
      { ...signed, value: 'v*', digest: digestOf('v*') },
      { ...signed, digest: digestOf('v′') },
      { ...signed, phase: 'commit' },
      { ...signed, phase: 'pre-prepare' },
      { ...signed, view: 1 },
      { ...signed, sequence: 2 },
      { ...signed, from: 3 },
      { ...signed, to: 3 },
      { ...signed, from: 2, to: 1 },
      { ...signed, mac: signed.mac.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
      { ...signed, mac: '' },
    ]
    for (const message of altered) expect(auth.verify(message), JSON.stringify(message)).toBe(false)
  })

  it('rejects malformed fields instead of throwing', () => {
    expect(auth.verify({ ...signed, view: -1 })).toBe(false)
    expect(auth.verify({ ...signed, digest: 'not hex' })).toBe(false)
  })

  it('refuses to sign what it cannot encode', () => {
    expect(() => auth.sign({ ...draft, sequence: 0.5 })).toThrow(RangeError)
  })

  it('keys every directed link differently', () => {
    const back = auth.sign({ ...draft, from: 2, to: 1 })
    expect(back.mac).not.toBe(signed.mac)
  })

  it('is deterministic for a secret and differs between secrets', () => {
    expect(new Authenticator('round secret').sign(draft)).toEqual(signed)
    const other = new Authenticator('another secret')
    expect(other.sign(draft).mac).not.toBe(signed.mac)
    expect(other.verify(signed)).toBe(false)
  })

  it('computes standard HMAC-SHA256 with key(i, j) = HMAC(secret, "link:i->j")', () => {
    // Checked against Node's own implementation, over many messages so that reusing the
    // keyed state between messages is exercised too.
    const secret = 'interop'
    const mine = new Authenticator(secret)
    for (let i = 0; i < 50; i++) {
      const message = mine.sign({ ...draft, value: `value ${i % 7}`, from: i % 5, to: (i + 1) % 5, view: i })
      const key = createHmac('sha256', secret).update(`link:${message.from}->${message.to}`).digest()
      const expected = createHmac('sha256', key)
        .update(canonicalEncoding(message) ?? new Uint8Array())
        .digest('hex')
      expect(message.mac).toBe(expected)
    }
  })

  it('keeps computing digests correctly past its cache bound', () => {
    const many = new Authenticator('s')
    for (let i = 0; i < 600; i++) expect(many.digest(`value ${i}`)).toBe(digestOf(`value ${i}`))
  })
})

describe('deriveRoundSecret', () => {
  it('is reproducible per seed and differs between seeds', () => {
    expect(deriveRoundSecret(42)).toBe(deriveRoundSecret(42))
    expect(deriveRoundSecret(42)).not.toBe(deriveRoundSecret(43))
    expect(deriveRoundSecret(42)).toMatch(/^[0-9a-f]{64}$/)
  })
})
