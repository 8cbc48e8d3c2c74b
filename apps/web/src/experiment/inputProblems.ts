import type { MessageKey, MessageParams } from '../i18n'
import { REQUIRED } from './inputs'

type Translate = (key: MessageKey, params?: MessageParams) => string

/**
 * The protocol's parsers explain problems in English sentences (the CLI prints them as they
 * are). The page shows them in the user's language: each known sentence maps to a message key,
 * its variable parts to the parameters. Anything unknown is shown as it came.
 * A unit test feeds real parser output through this, so a reworded message is noticed.
 */
const PATTERNS: readonly [RegExp, MessageKey, readonly string[]][] = [
  [/^required\b/, 'experiment.errors.required', []],
  [/^empty value$/, 'experiment.errors.required', []],
  [/^empty item in /, 'experiment.errors.emptyItem', []],
  [/^(.+) is not a number$/, 'experiment.errors.notNumber', ['value']],
  [/^(.+) is not a probability in \[0, 1\]$/, 'experiment.errors.notProbability', ['value']],
  [/^(.+) is not an integer >= (-?\d+)$/, 'experiment.errors.notInteger', ['value', 'min']],
  [/^(.+) is above the limit of (\d+)$/, 'experiment.errors.aboveLimit', ['value', 'max']],
  [/^(.+) is a list or range, but one value is expected here$/, 'experiment.errors.oneValue', ['value']],
  [/^(.+) needs a step, e\.g\. (.+)$/, 'experiment.errors.needsStep', ['value', 'example']],
  [/^step (.*) in .+ must be > 0$/, 'experiment.errors.stepPositive', ['step']],
  [/^step (.*) in .+ must be an integer$/, 'experiment.errors.stepInteger', ['step']],
  [/^start (.+) is greater than end (.+) in .+$/, 'experiment.errors.startAfterEnd', ['start', 'end']],
  [/^(.+) gives (\d+) values, more than the (\d+) allowed$/, 'experiment.errors.tooManyValues', ['value', 'count', 'max']],
  [/^(.+) gives more than the (\d+) values allowed$/, 'experiment.errors.tooManyValuesList', ['value', 'max']],
  [/^nodes × p gives (\d+) pairs, more than the (\d+) allowed$/, 'experiment.errors.tooManyPairs', ['pairs', 'max']],
  [/^nodes × p(?: × quorum rules)? gives (\d+) points, more than the (\d+) one experiment may have/, 'experiment.errors.tooManyPairs', ['pairs', 'max']],
  [
    /^nodes × p(?: × quorum rules)? × rounds gives (\d+) rounds, more than the (\d+) allowed$/,
    'experiment.errors.tooManyRounds',
    ['rounds', 'max'],
  ],
  [/^the sweep is too large: Σ rounds × N² = (\S+) messages/, 'experiment.errors.tooLarge', ['work']],
]

export function localizeInputProblem(message: string, t: Translate): string {
  if (message === REQUIRED) return t('experiment.errors.required')
  for (const [pattern, key, names] of PATTERNS) {
    const match = pattern.exec(message)
    if (!match) continue
    const params: Record<string, string> = {}
    names.forEach((name, i) => (params[name] = match[i + 1] ?? ''))
    return t(key, params)
  }
  return message
}
