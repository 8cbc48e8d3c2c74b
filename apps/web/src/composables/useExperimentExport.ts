import { computed, type ComputedRef, type Ref } from 'vue'
import { version as appVersion } from '../../package.json'
import { downloadBlob } from '../download'
import { exportFileName, toCsv, toExportDocument } from '../experiment/exportFormats'
import type { ExperimentRun } from './useExperimentRun'

/** What the chart component offers for the PNG export. */
export interface ChartImageSource {
  toPngDataUrl(): string | undefined
}

export interface ExperimentExport {
  canExport: ComputedRef<boolean>
  exportCsv(): void
  exportJson(): void
  exportPng(): void
}

function dataUrlToBlob(dataUrl: string): Blob {
  const [header = '', data = ''] = dataUrl.split(',')
  const type = /^data:([^;]+)/.exec(header)?.[1] ?? 'application/octet-stream'
  const bytes = Uint8Array.from(atob(data), (char) => char.charCodeAt(0))
  return new Blob([bytes], { type })
}

/** CSV (the CLI's sweep columns), JSON (inputs, versions, results) and the chart as PNG. */
export function useExperimentExport(
  run: Pick<ExperimentRun, 'mode' | 'source' | 'config' | 'curves' | 'points' | 'experimentId'>,
  chart: Ref<ChartImageSource | null>,
  now: () => Date = () => new Date(),
): ExperimentExport {
  const canExport = computed(() => run.config.value !== null && (run.points.value.length > 0 || run.curves.value.length > 0))

  function fileName(extension: string): string {
    return exportFileName(run.mode.value ?? 'sweep', now(), extension)
  }

  return {
    canExport,
    exportCsv() {
      downloadBlob(new Blob([toCsv(run.points.value)], { type: 'text/csv;charset=utf-8' }), fileName('csv'))
    },
    exportJson() {
      const config = run.config.value
      if (!config) return
      const document = toExportDocument({
        appVersion,
        exportedAt: now(),
        mode: run.mode.value ?? 'sweep',
        source: run.source.value ?? 'browser',
        experimentId: run.experimentId.value,
        config,
        curves: run.curves.value,
        results: run.points.value,
      })
      downloadBlob(new Blob([JSON.stringify(document, null, 2) + '\n'], { type: 'application/json' }), fileName('json'))
    },
    exportPng() {
      const dataUrl = chart.value?.toPngDataUrl()
      if (dataUrl) downloadBlob(dataUrlToBlob(dataUrl), fileName('png'))
    },
  }
}
