import { computed, reactive, ref, type ComputedRef, type Ref } from 'vue'
import { useI18n } from '../i18n'
import { localizeInputProblem } from '../experiment/inputProblems'
import { parseExperiment, type ExperimentField, type ExperimentInputs, type ExperimentMode, type ExperimentText, type RuleChoice } from '../experiment/inputs'

export const DEFAULT_EXPERIMENT_TEXT: Readonly<ExperimentText> = { nodes: '4,7,10', p: '0.9', rounds: '10000', seed: '1' }

export interface ExperimentForm {
  /** What the user typed, bound to the inputs. */
  text: ExperimentText
  /** Which quorum rules to run: the original (the API's default), the paper's, or both on one chart. */
  rules: Ref<RuleChoice>
  /** Parsed values, or null while something is wrong. */
  inputs: ComputedRef<ExperimentInputs | null>
  /** Problems in the user's language, per field (`form`: the whole). */
  problems: ComputedRef<Partial<Record<ExperimentField | 'form', string>>>
  /** What Run will do, known as soon as p is valid. */
  mode: ComputedRef<ExperimentMode | null>
  pCount: ComputedRef<number | null>
}

/** The experiment's inputs, validated as they are typed, with the CLI's range syntax. */
export function useExperimentForm(initial: Partial<ExperimentText> = {}): ExperimentForm {
  const { t } = useI18n()
  const text = reactive<ExperimentText>({ ...DEFAULT_EXPERIMENT_TEXT, ...initial })
  const rules = ref<RuleChoice>('original')
  const parsed = computed(() => parseExperiment(text, rules.value))
  const problems = computed(() =>
    Object.fromEntries(
      Object.entries(parsed.value.problems).map(([field, message]) => [field, localizeInputProblem(message, t)]),
    ),
  )
  const pCount = computed(() => parsed.value.pCount)
  return {
    text,
    rules,
    inputs: computed(() => parsed.value.inputs),
    problems,
    pCount,
    mode: computed(() => (pCount.value === null ? null : pCount.value === 1 ? 'convergence' : 'sweep')),
  }
}
