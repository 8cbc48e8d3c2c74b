import { describe, expect, it } from 'vitest'
import { CreateSessionBody, PRESET_NAMES, SESSION_PRESETS } from '../src/session'

describe('presets', () => {
  it('each is a whole session: a body with only the preset parses, and takes what the preset sets', () => {
    for (const name of PRESET_NAMES) {
      const { lesson, ...fields } = SESSION_PRESETS[name]
      expect(lesson.length).toBeGreaterThan(20)
      expect(CreateSessionBody.parse({ preset: name })).toMatchObject({ ...fields, preset: name })
    }
    expect(SESSION_PRESETS['two-faulty-primaries']).toMatchObject({ nodeCount: 7, faults: { 0: 'silent', 1: 'wrong-value' } })
    expect(SESSION_PRESETS['crash-after-prepare'].faults).toEqual({ 0: 'crash' })
  })

  it("fields the body sends win over the preset's; the preset table is never changed", () => {
    const body = CreateSessionBody.parse({ preset: 'silent-primary', nodeCount: 7, quorumRule: 'original', faults: { 6: 'silent' } })
    expect(body).toMatchObject({ nodeCount: 7, quorumRule: 'original', faults: { 6: 'silent' }, maxViews: 4, messageDeliveryRate: 100 })
    expect(SESSION_PRESETS['silent-primary']).toMatchObject({ nodeCount: 4, faults: { 0: 'silent' } })
  })

  it('refuses an unknown preset naming the four, and a preset whose faults do not fit the N sent', () => {
    const unknown = CreateSessionBody.safeParse({ nodeCount: 4, preset: 'byzantine-chaos' })
    expect(unknown.error?.issues.map((issue) => issue.path)).toEqual([['preset']])
    expect(unknown.error?.issues[0]?.message).toMatch(/"silent-primary".*"two-faulty-primaries"/)
    // The two faulty primaries are seats 0 and 1: N = 4 fits them (a warning says they exceed f).
    expect(CreateSessionBody.parse({ preset: 'two-faulty-primaries', nodeCount: 4 }).faults).toEqual({ 0: 'silent', 1: 'wrong-value' })
    expect(CreateSessionBody.safeParse({ preset: 'silent-primary', nodeCount: 3 }).success).toBe(false)
  })
})
