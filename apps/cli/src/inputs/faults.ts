import { z } from 'zod'
import { FAULT_KINDS, type FaultKind } from '../engine'

/** Byzantine replicas, by id: the sparse form of the engine's FaultSpec. */
export type FaultMap = Record<number, FaultKind>

function isFaultKind(kind: string): kind is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(kind)
}

/** Parses `0:equivocate,3:silent`; ids are checked against N later, once N is known. */
export function parseFaults(text: string): FaultMap {
  const faults: FaultMap = {}
  for (const item of text.split(',')) {
    const [idText = '', kind = '', ...rest] = item.trim().split(':')
    if (rest.length > 0 || kind === '') throw new Error(`"${item}" is not id:kind, e.g. 0:equivocate`)
    if (!/^\d+$/.test(idText)) throw new Error(`replica id "${idText}" is not an integer >= 0`)
    if (!isFaultKind(kind)) throw new Error(`unknown fault kind "${kind}" (kinds: ${FAULT_KINDS.join(', ')})`)
    const id = Number(idText)
    if (id in faults) throw new Error(`replica ${id} is given twice`)
    faults[id] = kind
  }
  return faults
}

export const FaultsFlag = z.string().transform((text, ctx): FaultMap => {
  try {
    return parseFaults(text)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message, input: text })
    return z.NEVER
  }
})

/** The first replica id that does not exist among `nodes` replicas, if any. */
export function unknownReplica(faults: FaultMap, nodes: number): number | undefined {
  return Object.keys(faults).map(Number).find((id) => id >= nodes)
}

/**
 * How many backups are silent, when every non-honest replica is a silent backup (the primary
 * honest): the closed-form theory still applies then (MODEL.md's k silent backups). Null when
 * some replica is Byzantine in any other way, and the theory does not apply.
 */
export function silentBackupsOnly(faults: FaultMap | undefined): number | null {
  const byzantine = Object.entries(faults ?? {}).filter(([, kind]) => kind !== 'honest')
  if (byzantine.some(([id, kind]) => kind !== 'silent' || Number(id) === 0)) return null
  return byzantine.length
}
