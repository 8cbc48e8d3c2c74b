import { computed, ref, type ComputedRef, type Ref } from 'vue'
import type { QuorumRule } from '@pbft/protocol'
import { useI18n } from '../i18n'
import { convergenceOption, sweepOption, undrawableOnLog, type ChartLabels, type ChartScale, type ExperimentChartOption } from '../experiment/chartOptions'
import { theoryCurve, type TheoryCurve } from '../experiment/theoryCurves'
import type { ExperimentRun } from './useExperimentRun'

export interface ExperimentChart {
  /** The chart of the current run, in the current language; null before the first run. */
  option: ComputedRef<ExperimentChartOption | null>
  /** Success rate, or 1 − P on a log scale. */
  scale: Ref<ChartScale>
  /** Monte-Carlo points the log scale leaves out (no failed round: 1 − P = 0). */
  hiddenOnLog: ComputedRef<number>
}

export function useExperimentChart(run: Pick<ExperimentRun, 'mode' | 'config' | 'curves' | 'points'>): ExperimentChart {
  const { t } = useI18n()
  const scale = ref<ChartScale>('linear')

  const labels = computed<ChartLabels>(() => {
    const rule = (quorumRule: QuorumRule) => t(`rules.name.${quorumRule}`)
    return {
      round: t('experiment.chart.round'),
      successRate: t('experiment.chart.successRate'),
      failureRate: t('experiment.chart.failureRate'),
      p: t('experiment.chart.p'),
      cumulative: (nodes, quorumRule) => t('experiment.chart.cumulative', { nodes, rule: rule(quorumRule) }),
      monteCarlo: (nodes, quorumRule) => t('experiment.chart.monteCarlo', { nodes, rule: rule(quorumRule) }),
      theory: (nodes, quorumRule) => t('experiment.chart.theory', { nodes, rule: rule(quorumRule) }),
    }
  })

  // The exact curves depend on the inputs (and, for 1 − P, on the scale): computed once per run,
  // not on every update; the exact 1 − P only once the log scale is asked for.
  const theory = computed<TheoryCurve[]>(() => {
    const config = run.config.value
    if (!config || run.mode.value !== 'sweep') return []
    const exactFailure = scale.value === 'log'
    return config.quorumRules.flatMap((rule) => config.nodes.map((nodes) => ({ nodes, rule, points: theoryCurve(nodes, config.p, rule, exactFailure) })))
  })

  const option = computed(() => {
    const config = run.config.value
    if (!config) return null
    return run.mode.value === 'convergence'
      ? convergenceOption(run.curves.value, config.rounds, labels.value, scale.value)
      : sweepOption(config.nodes, run.points.value, theory.value, labels.value, scale.value, config.quorumRules)
  })
  const hiddenOnLog = computed(() => (run.mode.value === 'sweep' ? undrawableOnLog(run.points.value) : 0))
  return { option, scale, hiddenOnLog }
}
