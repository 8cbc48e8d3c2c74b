import { z } from 'zod'
import type { QuorumRule } from './quorumRule'
import type { FaultKind } from './terms'

/**
 * One-click lessons of the host form (issue 13): each sets the fields below on a new session
 * (`POST /api/sessions` with `"preset"`); fields the body sends itself win over the preset's.
 * All play the paper's quorum rule (castro-liskov: the original rule's fixed 2f quorum never
 * decides with f silent replicas at N = 3f + 1), every message delivered, and four views.
 */
export const PRESET_NAMES = ['silent-primary', 'equivocating-primary', 'crash-after-prepare', 'two-faulty-primaries'] as const
export const PresetName = z.enum(PRESET_NAMES, {
  error: (issue) => `expected a preset: ${PRESET_NAMES.map((name) => `"${name}"`).join(', ')}; got ${JSON.stringify(issue.input)}`,
})
export type PresetName = z.infer<typeof PresetName>

/** What a preset sets. */
export interface SessionPreset {
  nodeCount: number
  /** Seat id → fault kind; every other seat is honest. */
  faults: Record<string, FaultKind>
  quorumRule: QuorumRule
  /** Percent. */
  messageDeliveryRate: number
  maxViews: number
  /** What the class sees, in one line (the web app has its own words in both languages). */
  lesson: string
}

export const SESSION_PRESETS: Readonly<Record<PresetName, Readonly<SessionPreset>>> = {
  'silent-primary': {
    nodeCount: 4,
    faults: { 0: 'silent' },
    quorumRule: 'castro-liskov',
    messageDeliveryRate: 100,
    maxViews: 4,
    lesson: 'primary 0 says nothing; the backups time out, ask for a new primary, and view 1 (primary 1) decides the request',
  },
  'equivocating-primary': {
    nodeCount: 4,
    faults: { 0: 'equivocate' },
    quorumRule: 'castro-liskov',
    messageDeliveryRate: 100,
    maxViews: 4,
    lesson: 'primary 0 tells some backups v and others v′; no value gathers a quorum, the view changes and primary 1 decides',
  },
  'crash-after-prepare': {
    nodeCount: 4,
    faults: { 0: 'crash' },
    quorumRule: 'castro-liskov',
    messageDeliveryRate: 100,
    maxViews: 4,
    lesson: 'primary 0 sends its PRE-PREPARE to only f + 1 backups and stops; they prepare it, and view 1 decides that same value',
  },
  'two-faulty-primaries': {
    nodeCount: 7,
    faults: { 0: 'silent', 1: 'wrong-value' },
    quorumRule: 'castro-liskov',
    messageDeliveryRate: 100,
    maxViews: 4,
    lesson: 'primary 0 is silent, then primary 1 proposes another value, which honest backups refuse; view 2 (primary 2) decides',
  },
}

/** The body with the preset's fields filled in where the body left them out (a body's own fields win). */
export function withPreset(body: Record<string, unknown>): Record<string, unknown> {
  const parsed = PresetName.safeParse(body.preset)
  if (!parsed.success) return body
  const { lesson: _lesson, ...fields } = SESSION_PRESETS[parsed.data]
  const merged: Record<string, unknown> = { ...fields, faults: { ...fields.faults } }
  for (const [key, value] of Object.entries(body)) if (value !== undefined) merged[key] = value
  return merged
}
