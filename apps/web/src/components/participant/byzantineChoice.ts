import { SESSION_LIMITS, type ByzantineChoice, type ByzantineOptions } from '@pbft/protocol'

/**
 * What a Byzantine participant chose on the form, turned into the `replica:act` choice.
 * `default` sends what the fault kind would; `same` one value to everyone (a wrong value);
 * `per-recipient` a value per recipient (equivocation).
 */
export type ChoiceMode = 'default' | 'same' | 'per-recipient'

export interface ChoiceForm {
  mode: ChoiceMode
  value: string
  /** Recipient id → value (the form starts from `byzantine.defaultValues`). */
  values: Record<string, string>
  tamper: boolean
}

export type ChoiceProblem = 'empty' | 'too-long'

export type BuiltChoice = { ok: true; choice: ByzantineChoice } | { ok: false; problem: ChoiceProblem; recipient: string | null }

/** The form a Byzantine seat starts with: its kind's defaults, tampering if it is a tamperer. */
export function initialChoiceForm(options: ByzantineOptions | null): ChoiceForm {
  return {
    mode: 'default',
    value: options?.conflictingValue || options?.proposal || '',
    values: { ...(options?.defaultValues ?? {}) },
    tamper: options?.kind === 'tamper',
  }
}

function check(value: string): ChoiceProblem | null {
  if (value.length === 0) return 'empty'
  if (value.length > SESSION_LIMITS.maxValueLength) return 'too-long'
  return null
}

/** The choice to send, or the first problem of the form. `recipients`: who this phase's messages go to. */
export function buildByzantineChoice(form: ChoiceForm, options: ByzantineOptions | null, recipients: readonly number[]): BuiltChoice {
  const choice: ByzantineChoice = {}
  if (form.mode === 'same') {
    const value = form.value.trim()
    const problem = check(value)
    if (problem) return { ok: false, problem, recipient: null }
    choice.value = value
  } else if (form.mode === 'per-recipient') {
    const values: Record<string, string> = {}
    for (const id of recipients) {
      const key = String(id)
      const value = (form.values[key] ?? options?.defaultValues[key] ?? '').trim()
      const problem = check(value)
      if (problem) return { ok: false, problem, recipient: key }
      values[key] = value
    }
    choice.values = values
  }
  // Only when tampering is allowed: otherwise the server refuses the field, and a tamper
  // replica left alone tampers anyway.
  if (options?.canTamper) choice.tamper = form.tamper
  return { ok: true, choice }
}

/** The recipients of each value "default for my kind" sends, in order of first recipient. */
export function defaultsByValue(options: ByzantineOptions, recipients: readonly number[]): { value: string; recipients: number[] }[] {
  const groups = new Map<string, number[]>()
  for (const id of recipients) {
    const value = options.defaultValues[String(id)]
    if (value === undefined) continue
    groups.set(value, [...(groups.get(value) ?? []), id])
  }
  return [...groups].map(([value, ids]) => ({ value, recipients: ids }))
}
