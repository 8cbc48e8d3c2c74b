import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Authenticator } from '../../src/round/authenticator'
import { CANONICAL_LENGTH, canonicalEncoding, digestOf } from '../../src/round/message'
import { Signatures } from '../../src/round/signatures'

const digest = digestOf('v')

describe('Signatures', () => {
  it('is HMAC-SHA256 of the signed fields under HMAC(secret, "sign:<id>")', () => {
    const signatures = new Signatures('secret')
    const key = createHmac('sha256', 'secret').update('sign:3').digest()
    const fields = canonicalEncoding({ phase: 'prepare', view: 2, sequence: 1, digest, from: 3, to: 0xffffffff })
    expect(fields).toHaveLength(CANONICAL_LENGTH)
    const expected = createHmac('sha256', key).update(fields ?? new Uint8Array()).digest('hex')
    expect(signatures.sign(3, 'prepare', 2, 1, digest)).toBe(expected)
  })

  it('one signature per sender and content, whatever the recipient: anyone can check it', () => {
    const signatures = new Signatures('secret')
    const signature = signatures.sign(1, 'prepare', 0, 1, digest)
    expect(signatures.verify(1, 'prepare', 0, 1, digest, signature)).toBe(true)
    // A verifier built from the same round secret (another participant) agrees.
    expect(new Signatures('secret').verify(1, 'prepare', 0, 1, digest, signature)).toBe(true)
  })

  it('binds every field and the signer: nobody can pass off a signature as another replica’s', () => {
    const signatures = new Signatures('secret')
    const signature = signatures.sign(1, 'prepare', 0, 1, digest)
    expect(signatures.verify(2, 'prepare', 0, 1, digest, signature)).toBe(false)
    expect(signatures.verify(1, 'commit', 0, 1, digest, signature)).toBe(false)
    expect(signatures.verify(1, 'prepare', 1, 1, digest, signature)).toBe(false)
    expect(signatures.verify(1, 'prepare', 0, 2, digest, signature)).toBe(false)
    expect(signatures.verify(1, 'prepare', 0, 1, digestOf('v′'), signature)).toBe(false)
    expect(new Signatures('other secret').verify(1, 'prepare', 0, 1, digest, signature)).toBe(false)
    expect(signatures.verify(-1, 'prepare', 0, 1, digest, signature)).toBe(false)
    expect(signatures.verify(1, 'prepare', 0, 1, 'not a digest', '')).toBe(false)
  })

  it('is not a link MAC: the signing keys differ from the link keys of the same secret', () => {
    const signatures = new Signatures('secret')
    const mac = new Authenticator('secret').sign({ phase: 'prepare', view: 0, sequence: 1, value: 'v', from: 1, to: 0xffffffff }).mac
    expect(signatures.sign(1, 'prepare', 0, 1, digest)).not.toBe(mac)
  })

  it('remembers what it computed, and stays bounded', () => {
    const signatures = new Signatures('secret')
    const first = signatures.sign(1, 'prepare', 0, 1, digest)
    for (let i = 0; i < 70_000; i++) signatures.sign(i % 100, 'commit', i, 1, digest)
    expect(signatures.sign(1, 'prepare', 0, 1, digest)).toBe(first)
  })
})
