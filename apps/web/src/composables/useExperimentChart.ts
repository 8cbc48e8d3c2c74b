import { computed, type ComputedRef } from 'vue'
import { useI18n } from '../i18n'
import {
  convergenceOption,
  sweepOption,
  theoryCurve,
  type ChartLabels,
  type ExperimentChartOption,
  type TheoryCurve,
} from '../experiment/chartOptions'
import type { ExperimentRun } from './useExperimentRun'

/** The chart of the current run, in the current language; null before the first run. */
export function useExperimentChart(run: Pick<ExperimentRun, 'mode' | 'config' | 'curves' | 'points'>): ComputedRef<ExperimentChartOption | null> {
  const { t } = useI18n()

  const labels = computed<ChartLabels>(() => ({
    round: t('experiment.chart.round'),
    successRate: t('experiment.chart.successRate'),
    p: t('experiment.chart.p'),
    cumulative: (nodes) => t('experiment.chart.cumulative', { nodes }),
    monteCarlo: (nodes) => t('experiment.chart.monteCarlo', { nodes }),
    theory: (nodes) => t('experiment.chart.theory', { nodes }),
  }))

  // The exact curves depend on the inputs only: computed once per run, not on every update.
  const theory = computed<TheoryCurve[]>(() => {
    const config = run.config.value
    if (!config || run.mode.value !== 'sweep') return []
    return config.nodes.map((nodes) => ({ nodes, points: theoryCurve(nodes, config.p) }))
  })

  return computed(() => {
    const config = run.config.value
    if (!config) return null
    return run.mode.value === 'convergence'
      ? convergenceOption(run.curves.value, config.rounds, labels.value)
      : sweepOption(config.nodes, run.points.value, theory.value, labels.value)
  })
}
