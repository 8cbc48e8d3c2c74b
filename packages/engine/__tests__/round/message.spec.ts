import { describe, expect, it } from 'vitest'
import { CANONICAL_LENGTH, canonicalEncoding, digestOf } from '../../src/round/message'
import type { AuthenticatedFields } from '../../src/round/message'

const fields: AuthenticatedFields = {
  phase: 'prepare',
  view: 0,
  sequence: 1,
  digest: digestOf('v'),
  from: 1,
  to: 2,
}

describe('digestOf', () => {
  it('is the hex SHA-256 of the UTF-8 value', () => {
    // FIPS 180-2 test vector.
    expect(digestOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(digestOf('v′')).not.toBe(digestOf('v'))
  })
})

describe('canonicalEncoding', () => {
  it('fits one hash block', () => {
    expect(CANONICAL_LENGTH).toBeLessThanOrEqual(55)
    expect(canonicalEncoding(fields)).toHaveLength(CANONICAL_LENGTH)
  })

  it('differs whenever any authenticated field differs', () => {
    const variants: AuthenticatedFields[] = [
      fields,
      { ...fields, phase: 'commit' },
      { ...fields, phase: 'pre-prepare' },
      { ...fields, view: 1 },
      { ...fields, sequence: 2 },
      { ...fields, digest: digestOf('v*') },
      { ...fields, from: 2, to: 1 },
      { ...fields, from: 256 },
      { ...fields, to: 0x1_00_00 },
    ]
    const encodings = variants.map((variant) => Buffer.from(canonicalEncoding(variant) ?? []).toString('hex'))
    expect(new Set(encodings).size).toBe(variants.length)
  })

  it('writes into a given buffer', () => {
    const into = new Uint8Array(CANONICAL_LENGTH)
    expect(canonicalEncoding(fields, into)).toBe(into)
    expect(into).toEqual(canonicalEncoding(fields))
  })

  it('refuses fields no sender produces', () => {
    expect(canonicalEncoding({ ...fields, view: -1 })).toBeNull()
    expect(canonicalEncoding({ ...fields, sequence: 1.5 })).toBeNull()
    expect(canonicalEncoding({ ...fields, from: 2 ** 32 })).toBeNull()
    expect(canonicalEncoding({ ...fields, digest: 'abc' })).toBeNull()
    expect(canonicalEncoding({ ...fields, digest: fields.digest.toUpperCase() })).toBeNull()
    expect(canonicalEncoding({ ...fields, phase: 'checkpoint' as never })).toBeNull()
  })
})
