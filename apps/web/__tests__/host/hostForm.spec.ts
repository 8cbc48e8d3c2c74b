import { describe, expect, it } from 'vitest'
import { CreateSessionBody, PRESET_NAMES, SESSION_ISSUE_CODES, SESSION_ISSUE_SEVERITY, SESSION_PRESETS } from '@pbft/protocol'
import { defaultHostForm, faultySeats, formNotes, ISSUE_MESSAGES, lessonProblems, toCreateBody, toPresetBody, useHostForm, validateHostForm } from '../../src/composables/useHostForm'
import { flattenMessages } from '../../src/i18n/messages'
import { en } from '../../src/i18n/en'
import { zhCN } from '../../src/i18n/zh-CN'

const form = (patch: Partial<ReturnType<typeof defaultHostForm>> = {}) => ({ ...defaultHostForm(), ...patch })

describe('validateHostForm', () => {
  it('accepts the defaults, and the body they make passes the server schema', () => {
    expect(validateHostForm(form())).toEqual({})
    expect(CreateSessionBody.safeParse(toCreateBody(form())).success).toBe(true)
  })

  it('checks the node count range and whole numbers', () => {
    expect(validateHostForm(form({ nodeCount: 3 })).nodeCount).toEqual({ key: 'range', params: { min: 4, max: 100 } })
    expect(validateHostForm(form({ nodeCount: 101 })).nodeCount?.key).toBe('range')
    expect(validateHostForm(form({ nodeCount: 4.5 })).nodeCount?.key).toBe('integer')
    expect(validateHostForm(form({ nodeCount: Number.NaN })).nodeCount?.key).toBe('integer')
  })

  it('shows the protocol’s session issues in both languages: errors as problems, warnings as notes', () => {
    const dictionaries = [flattenMessages(en), flattenMessages(zhCN)]
    for (const code of SESSION_ISSUE_CODES) {
      const message = ISSUE_MESSAGES[code]
      if (!message) continue
      const group = SESSION_ISSUE_SEVERITY[code] === 'error' ? 'problems' : 'notes'
      for (const dictionary of dictionaries) expect(dictionary.has(`host.form.${group}.${message.key}`), `${code} → ${message.key}`).toBe(true)
    }
    // The codes the form never shows: its body names the faulty seats as the counts say, and it keeps no seats for bots.
    expect(SESSION_ISSUE_CODES.filter((code) => ISSUE_MESSAGES[code] === null)).toEqual(['FAULTS_MAP_OVERRIDES', 'SEATS_KEPT_FOR_BOTS'])
  })

  it('shows a rule only where the fields it reads have no problem of their own', () => {
    // 800 + 400 > 100 / 2, but the timeout is out of range: that is what the host sees.
    expect(validateHostForm(form({ phaseTimeoutMs: 100 })).timing).toBeUndefined()
    expect(validateHostForm(form({ nodeCount: 3, faultyNodes: 3 })).faultyNodes).toBeUndefined()
    expect(validateHostForm(form({ idleBotSeconds: 40, phaseTimeoutMs: 100 })).idleBotSeconds).toBeUndefined()
  })

  it('wants fewer faulty replicas than replicas, and one honest one', () => {
    expect(validateHostForm(form({ nodeCount: 4, faultyNodes: 4 })).faultyNodes).toEqual({ key: 'faultyTooMany', params: { nodes: 4 } })
    expect(validateHostForm(form({ nodeCount: 4, faultyNodes: 3 })).faultyNodes).toBeUndefined()
    expect(validateHostForm(form({ nodeCount: 4, faultyNodes: 2, maliciousProposer: true })).faultyNodes).toBeUndefined()
  })

  it('refuses timings in which bots cannot act before the phase times out, like the server', () => {
    // 800 + 400 = 1200 > 2000 / 2.
    expect(validateHostForm(form({ pacingMs: 800, phaseTimeoutMs: 2000 })).timing).toEqual({
      key: 'timing',
      params: { slowest: 1200, timeout: 2000, needed: 2400 },
    })
    expect(validateHostForm(form({ pacingMs: 800, phaseTimeoutMs: 2400 })).timing).toBeUndefined()
    expect(validateHostForm(form({ pacingMs: 50, phaseTimeoutMs: 200 })).timing).toBeUndefined()
    expect(validateHostForm(form({ phaseTimeoutMs: 100 })).phaseTimeoutMs?.key).toBe('range')
  })

  it('checks the other ranges and the proposal', () => {
    const problems = validateHostForm(form({ robotNodes: 5, branchCount: 11, messageDeliveryRate: 101, phaseGapMs: -1, proposalContent: '  ' }))
    expect(Object.keys(problems).sort()).toEqual(['branchCount', 'messageDeliveryRate', 'phaseGapMs', 'proposalContent', 'robotNodes'])
    expect(validateHostForm(form({ proposalContent: 'x'.repeat(65) })).proposalContent?.key).toBe('length')
  })
})

describe('faultySeats and the body', () => {
  it('picks seats like the server: the primary when malicious, then the highest ids', () => {
    expect(faultySeats(7, 2, false)).toEqual([5, 6])
    expect(faultySeats(7, 2, true)).toEqual([0, 6])
    expect(faultySeats(7, 0, true)).toEqual([0])
    expect(faultySeats(4, 0, false)).toEqual([])
  })

  it('spells out each faulty seat’s kind in `faults`, consistent with faultyNodes', () => {
    const body = toCreateBody(form({ nodeCount: 7, faultyNodes: 2, maliciousProposer: true, kinds: { 0: 'silent' }, proposalValue: '42' }))
    expect(body).toMatchObject({ nodeCount: 7, faultyNodes: 2, maliciousProposer: true, faults: { '0': 'silent', '6': 'equivocate' }, proposalValue: 42 })
    expect(CreateSessionBody.safeParse(body).success).toBe(true)
    expect(toCreateBody(form({ proposalValue: 'alpha' })).proposalValue).toBe('alpha')
    expect(toCreateBody(form())).not.toHaveProperty('faults')
  })

  it('explains f, more than f and N ≠ 3f + 1 before the server warns', () => {
    const original = { quorumRule: 'original' as const }
    expect(formNotes(form({ nodeCount: 4, ...original }))).toEqual([{ key: 'tolerates', params: { nodes: 4, f: 1, quorum: 2 } }])
    expect(formNotes(form({ nodeCount: 5, faultyNodes: 2, ...original })).map((note) => note.key)).toEqual(['tolerates', 'moreThanF', 'not3f1'])
    expect(formNotes(form({ nodeCount: 2 }))).toEqual([])
    // The paper's quorum grows with N: N ≠ 3f + 1 is no warning under it.
    expect(formNotes(form({ nodeCount: 4 }))).toEqual([{ key: 'toleratesPaper', params: { nodes: 4, f: 1, quorum: 3 } }])
    expect(formNotes(form({ nodeCount: 5, faultyNodes: 2 })).map((note) => note.key)).toEqual(['toleratesPaper', 'moreThanF'])
  })

  it('preselects the paper’s rule and a 10 s idle bot for a classroom, and sends both', () => {
    expect(defaultHostForm()).toMatchObject({ quorumRule: 'castro-liskov', idleBot: true, idleBotSeconds: 10 })
    const body = toCreateBody(form())
    expect(body).toMatchObject({ quorumRule: 'castro-liskov', idleBotAfterMs: 10_000 })
    expect(CreateSessionBody.parse(body)).toMatchObject({ quorumRule: 'castro-liskov', idleBotAfterMs: 10_000 })
    expect(toCreateBody(form({ idleBot: false, quorumRule: 'original' }))).toMatchObject({ quorumRule: 'original', idleBotAfterMs: null })
  })

  it('wants the idle bot to play before the phase times out, like the server', () => {
    expect(validateHostForm(form({ idleBotSeconds: 30 })).idleBotSeconds).toEqual({ key: 'idleTooLate', params: { timeout: 30 } })
    expect(validateHostForm(form({ idleBotSeconds: 29 })).idleBotSeconds).toBeUndefined()
    expect(validateHostForm(form({ idleBotSeconds: 0 })).idleBotSeconds?.key).toBe('range')
    expect(validateHostForm(form({ idleBotSeconds: 1.5 })).idleBotSeconds?.key).toBe('integer')
    // Off, its seconds do not matter.
    expect(validateHostForm(form({ idleBot: false, idleBotSeconds: 0 }))).toEqual({})
  })

  it('useHostForm gives new Byzantine seats a default kind and drops seats that are no longer faulty', () => {
    const host = useHostForm()
    host.values.faultyNodes = 2
    expect(host.seats.value).toEqual([2, 3])
    expect(host.values.kinds).toEqual({ 2: 'equivocate', 3: 'equivocate' })
    host.values.kinds[3] = 'tamper'
    host.values.faultyNodes = 1
    expect(host.values.kinds).toEqual({ 3: 'tamper' })
    expect(host.valid.value).toBe(true)
    host.values.nodeCount = 3
    expect(host.valid.value).toBe(false)
  })
})

describe('views and the one-click lessons', () => {
  it('sends four views and a 10 s view timer by default, and checks their ranges', () => {
    expect(toCreateBody(form())).toMatchObject({ maxViews: 4, viewTimeoutMs: 10_000 })
    expect(toCreateBody(form({ maxViews: 1, viewTimeoutSeconds: 3 }))).toMatchObject({ maxViews: 1, viewTimeoutMs: 3000 })
    expect(validateHostForm(form({ maxViews: 0 })).maxViews).toEqual({ key: 'range', params: { min: 1, max: 10 } })
    expect(validateHostForm(form({ maxViews: 11 })).maxViews?.key).toBe('range')
    expect(validateHostForm(form({ viewTimeoutSeconds: 0 })).viewTimeoutSeconds?.key).toBe('range')
    expect(validateHostForm(form({ viewTimeoutSeconds: 2.5 })).viewTimeoutSeconds?.key).toBe('integer')
  })

  it('a lesson lets its preset set the replicas, faults, rule and views, and takes the class’s pace from the form', () => {
    for (const preset of PRESET_NAMES) {
      const body = toPresetBody(form({ nodeCount: 10, faultyNodes: 3, quorumRule: 'original', messageDeliveryRate: 50, maxViews: 1, viewTimeoutSeconds: 5 }), preset)
      expect(body).toMatchObject({ preset, nodeCount: SESSION_PRESETS[preset].nodeCount, idleBotAfterMs: 10_000, viewTimeoutMs: 5000 })
      for (const field of ['faults', 'faultyNodes', 'maliciousProposer', 'quorumRule', 'messageDeliveryRate', 'maxViews', 'robotNodes']) expect(body).not.toHaveProperty(field)
      const parsed = CreateSessionBody.parse(body)
      const lesson = SESSION_PRESETS[preset]
      expect(parsed).toMatchObject({ nodeCount: lesson.nodeCount, faults: lesson.faults, quorumRule: 'castro-liskov', maxViews: lesson.maxViews, messageDeliveryRate: 100 })
    }
  })

  it('a lesson is held back only by the fields it takes from the form', () => {
    expect(lessonProblems(form({ nodeCount: 3, faultyNodes: 9 }))).toEqual({})
    expect(Object.keys(lessonProblems(form({ idleBotSeconds: 40 })))).toEqual(['idleBotSeconds'])
    expect(Object.keys(lessonProblems(form({ viewTimeoutSeconds: 0 })))).toEqual(['viewTimeoutSeconds'])
  })
})
